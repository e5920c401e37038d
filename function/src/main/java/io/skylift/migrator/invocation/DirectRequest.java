package io.skylift.migrator.invocation;

import java.util.List;
import java.util.Objects;

/**
 * A direct invocation ({@code aws lambda invoke}, the pipeline step): {@code {"command": "migrate"}}.
 *
 * @param command         the operation, {@link Command#MIGRATE} when the payload names none
 * @param target          migrate up to this version, or null for the latest
 * @param baselineVersion the version {@code baseline} records, or null for Flyway's default ("1")
 * @param migrations      {@code plan} and {@code lint} only: the migration files to judge instead of the image's;
 *                        empty for the image's
 */
public record DirectRequest(Command command, String target, String baselineVersion,
                            List<ProvidedMigration> migrations) implements Invocation {
    public DirectRequest {
        Objects.requireNonNull(command, "command must not be null");
        migrations = List.copyOf(Objects.requireNonNull(migrations, "migrations must not be null"));
    }

    /** A request on the image's migrations. */
    public DirectRequest(Command command, String target, String baselineVersion) {
        this(command, target, baselineVersion, List.of());
    }
}
