package io.skylift.migrator.secrets;

/** A secret could not be read or has the wrong shape. The message names the secret and key, never a value. */
public final class SecretReadException extends RuntimeException {
    public SecretReadException(String message) {
        super(message);
    }

    public SecretReadException(String message, Throwable cause) {
        super(message, cause);
    }
}
