package io.skylift.migrator.database;

/** No connection could be opened before the deadline, or the failure is one that retrying cannot mend. */
public final class DatabaseUnavailableException extends RuntimeException {
    public DatabaseUnavailableException(String message) {
        super(message);
    }
}
