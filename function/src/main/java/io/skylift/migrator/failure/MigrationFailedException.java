package io.skylift.migrator.failure;

import java.util.Set;

/**
 * A command failed once connected. The message names the migration (version and script) and the database's
 * error, and says what to do; it holds no secret. The code says which kind of failure it was.
 */
public final class MigrationFailedException extends MigratorException {
    private static final Set<ErrorCode> CODES = Set.of(ErrorCode.MIGRATION_FAILED, ErrorCode.MIGRATION_LOCK_TIMEOUT,
            ErrorCode.MIGRATION_INVALID, ErrorCode.FLYWAY_CONFIGURATION, ErrorCode.VALIDATION_FAILED,
            ErrorCode.FLYWAY_LOCK_WAIT, ErrorCode.DEADLINE_EXCEEDED, ErrorCode.PLANNER_ROLE, ErrorCode.MIGRATION_ROLE,
            ErrorCode.DRIFT_UNREADABLE, ErrorCode.UNEXPECTED);

    public MigrationFailedException(ErrorCode code, String message) {
        super(checked(code), message, null);
    }

    /** @param cause kept for the log of an unexpected failure (which redacts it); never shown to callers */
    public MigrationFailedException(ErrorCode code, String message, Throwable cause) {
        super(checked(code), message, cause);
    }

    private static ErrorCode checked(ErrorCode code) {
        if (!CODES.contains(code)) {
            throw new IllegalArgumentException(code + " is not a migration failure");
        }
        return code;
    }
}
