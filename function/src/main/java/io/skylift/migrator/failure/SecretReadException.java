package io.skylift.migrator.failure;

/** A secret could not be read or has the wrong shape. The message names the secret and key, never a value. */
public final class SecretReadException extends MigratorException {
    public SecretReadException(String message) {
        super(ErrorCode.SECRET_UNREADABLE, message, null);
    }

    public SecretReadException(String message, Throwable cause) {
        super(ErrorCode.SECRET_UNREADABLE, message, cause);
    }
}
