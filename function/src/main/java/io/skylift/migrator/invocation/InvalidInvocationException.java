package io.skylift.migrator.invocation;

/** The payload cannot be understood; the message says what was wrong and what a valid one looks like. */
public final class InvalidInvocationException extends RuntimeException {
    public InvalidInvocationException(String message) {
        super(message);
    }

    public InvalidInvocationException(String message, Throwable cause) {
        super(message, cause);
    }
}
