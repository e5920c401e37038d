package io.skylift.migrator.failure;

/** The payload cannot be understood; the message says what was wrong and what a valid one looks like. */
public final class InvalidInvocationException extends MigratorException {
    public InvalidInvocationException(String message) {
        super(ErrorCode.INVALID_INVOCATION, message, null);
    }

    public InvalidInvocationException(String message, Throwable cause) {
        super(ErrorCode.INVALID_INVOCATION, message, cause);
    }
}
