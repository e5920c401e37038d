package io.skylift.image.bench;

import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The "plain flyway-core" baseline, run by the benchmark as a fresh JVM on flyway-core's own class path:
 * {@code Flyway.configure()...load().migrate()}, as an application embedding Flyway would do it.
 *
 * <p>Usage: {@code PlainFlyway cold|warm <url> <user> <password> <location> <app_password> [warm runs]}. Prints
 * {@code RESULT applied=<n> version=<v>} for a cold run; for a warm run, after one untimed migrate,
 * {@code WARM <micros> <micros> ...} of the following ones.
 */
public final class PlainFlyway {
    private PlainFlyway() {
    }

    public static void main(String[] args) {
        String mode = args[0];
        if (mode.equals("cold")) {
            MigrateResult result = migrate(args);
            System.out.println("RESULT applied=" + result.migrationsExecuted + " version="
                    + (result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion));
            return;
        }
        int runs = Integer.parseInt(args[6]);
        migrate(args);
        StringBuilder timings = new StringBuilder("WARM");
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            MigrateResult result = migrate(args);
            long micros = (System.nanoTime() - start) / 1_000;
            if (result.migrationsExecuted != 0) {
                throw new IllegalStateException("a warm run applied " + result.migrationsExecuted + " migration(s)");
            }
            timings.append(' ').append(micros);
        }
        System.out.println(timings);
    }

    private static MigrateResult migrate(String[] args) {
        return Flyway.configure()
                .dataSource(args[1], args[2], args[3])
                .locations("filesystem:" + args[4])
                .placeholders(Map.of("app_password", args[5],
                        // what the repository's V4 uses, computed as the function computes it
                        "app_password_scram", org.postgresql.util.PasswordUtil.encodeScramSha256(args[5].toCharArray())))
                .load()
                .migrate();
    }
}
