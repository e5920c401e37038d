package io.skylift.migrator.failure;

/** The database refused the credentials: after a rotation the cached secret is stale, so it is read again once. */
public final class AuthenticationFailedException extends MigratorException {
    public AuthenticationFailedException(String message) {
        super(ErrorCode.DATABASE_AUTHENTICATION, message, null);
    }
}
