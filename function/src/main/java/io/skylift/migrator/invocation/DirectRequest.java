package io.skylift.migrator.invocation;

import java.util.Objects;

/**
 * A direct invocation ({@code aws lambda invoke}, the pipeline step): {@code {"command": "migrate"}}.
 *
 * @param command         the operation, {@link Command#MIGRATE} when the payload names none
 * @param target          migrate up to this version, or null for the latest
 * @param baselineVersion the version {@code baseline} records, or null for Flyway's default ("1")
 */
public record DirectRequest(Command command, String target, String baselineVersion) implements Invocation {
    public DirectRequest {
        Objects.requireNonNull(command, "command must not be null");
    }
}
