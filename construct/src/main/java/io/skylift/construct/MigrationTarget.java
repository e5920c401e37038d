package io.skylift.construct;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One database of a {@link MigrationWorkflow}: its migrator (whose function the Lambda runner invokes, and whose
 * database secret the Fargate task reads), whether it is a canary, and what runs it.
 *
 * @param name     the target's name in the workflow's input and output: letters, digits, {@code -} and {@code _}
 * @param migrator the target's migrator
 * @param canary   canaries run first; the others start only when every canary succeeded
 * @param runner   what runs it; null: the workflow input's {@code runner}, else {@link Runner#LAMBDA}
 */
public record MigrationTarget(String name, SchemaMigrator migrator, boolean canary, Runner runner) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public MigrationTarget {
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(migrator, "migrator must not be null");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("target name '" + name + "' must be 1 to 64 letters, digits, '-' or '_'");
        }
    }

    /** A target run by the workflow input's runner (default Lambda), not a canary. */
    public static MigrationTarget of(String name, SchemaMigrator migrator) {
        return new MigrationTarget(name, migrator, false, null);
    }

    /** This target as a canary. */
    public MigrationTarget asCanary() {
        return new MigrationTarget(name, migrator, true, runner);
    }

    /** This target always run by {@code value}, whatever the input says. */
    public MigrationTarget runBy(Runner value) {
        return new MigrationTarget(name, migrator, canary, Objects.requireNonNull(value, "runner must not be null"));
    }
}
