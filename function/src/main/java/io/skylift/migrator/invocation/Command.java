package io.skylift.migrator.invocation;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The operations an operator or the pipeline can ask for; {@link #MIGRATE} when none is named. */
public enum Command {
    MIGRATE, INFO, VALIDATE, REPAIR, BASELINE,
    /** What {@code migrate} would do, read in a read-only session: changes nothing, not even the history table. */
    PLAN,
    /** The lint findings of the migrations; needs neither the database nor the secret. */
    LINT,
    /** How the schema differs from what the applied migrations left, read in a read-only session. */
    DRIFT;

    /** The name used in payloads and results, e.g. {@code "migrate"}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Command> fromWireName(String name) {
        return Arrays.stream(values()).filter(c -> c.wireName().equals(name)).findFirst();
    }

    /** {@code "migrate, info, validate, repair, baseline, plan, lint, drift"}, for error messages. */
    public static String validNames() {
        return Arrays.stream(values()).map(Command::wireName).collect(Collectors.joining(", "));
    }

    /** Whether the payload may carry its own {@code migrations} for this command. */
    public boolean acceptsProvidedMigrations() {
        return this == PLAN || this == LINT;
    }
}
