package io.skylift.migrator.database;

/** The database refused the credentials: after a rotation the cached secret is stale, so it is read again once. */
public final class AuthenticationFailedException extends RuntimeException {
    public AuthenticationFailedException(String message) {
        super(message);
    }
}
