package io.skylift.migrator.migration;

/**
 * A command failed. The message names the migration (version and script) and the database's error, and says
 * what to do; it holds no secret.
 */
public final class MigrationFailedException extends RuntimeException {
    public MigrationFailedException(String message) {
        super(message);
    }
}
