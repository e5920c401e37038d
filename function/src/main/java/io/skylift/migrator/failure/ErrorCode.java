package io.skylift.migrator.failure;

/**
 * What kind of failure stopped an invocation, as Flyway's {@code ErrorCode} says what kind of failure a
 * {@code FlywayException} is. It appears in the invocation's log line ({@code errorCode}) and at the start of a
 * direct invocation's error message ({@code [CODE] …}), so alarms and scripts can tell failures apart without
 * reading sentences.
 */
public enum ErrorCode {
    /** An environment variable is missing or invalid; nothing was done. */
    CONFIGURATION,
    /** The invocation's payload cannot be understood. */
    INVALID_INVOCATION,
    /** The command is valid but outside this function's {@code SKYLIFT_COMMANDS} (a planner asked to migrate). */
    COMMAND_NOT_ALLOWED,
    /** A secret could not be read or lacks a key. */
    SECRET_UNREADABLE,
    /** Connections were refused or timed out for the whole retry window (or until the deadline). */
    DATABASE_UNREACHABLE,
    /** The database's host name does not resolve. */
    DATABASE_UNKNOWN_HOST,
    /** TLS could not be set up: certificate not trusted, host name mismatch, server without TLS. */
    DATABASE_TLS,
    /** The database refused the credentials, also after the secret was read again. */
    DATABASE_AUTHENTICATION,
    /** The connection failed for another reason that retrying cannot mend. */
    DATABASE_CONNECTION,
    /** A migration failed on a database error. */
    MIGRATION_FAILED,
    /** A migration kept waiting longer than the lock timeout for a lock another session holds. */
    MIGRATION_LOCK_TIMEOUT,
    /** A migration script or class cannot be used as it is: a missing placeholder, a parse error, a class that cannot load. */
    MIGRATION_INVALID,
    /** Flyway's configuration is wrong: for example a location that does not exist. */
    FLYWAY_CONFIGURATION,
    /** The schema history and the image's migrations disagree (changed, missing, failed migrations). */
    VALIDATION_FAILED,
    /** The deadline came while waiting for Flyway's lock, which another session holds. */
    FLYWAY_LOCK_WAIT,
    /** The deadline came while a migration ran; the work was cancelled. */
    DEADLINE_EXCEEDED,
    /** The migrations were applied, but the planner's read-only role could not be created or updated. */
    PLANNER_ROLE,
    /**
     * IAM authentication ({@code DB_IAM_USER}): the migration role could not be set up with the master secret, or a
     * role of that name exists that must not be used (more than LOGIN, or not a member of {@code rds_iam}).
     */
    MIGRATION_ROLE,
    /** {@code drift} could not read the history, the reference or the catalogs (for example no SELECT on them). */
    DRIFT_UNREADABLE,
    /** Anything else: a defect or a failure nobody foresaw; the log has the redacted cause chain. */
    UNEXPECTED
}
