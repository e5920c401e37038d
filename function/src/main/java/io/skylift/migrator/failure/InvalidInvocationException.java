package io.skylift.migrator.failure;

/** The payload cannot be understood; the message says what was wrong and what a valid one looks like. */
public final class InvalidInvocationException extends MigratorException {
    public InvalidInvocationException(String message) {
        super(ErrorCode.INVALID_INVOCATION, message, null);
    }

    public InvalidInvocationException(String message, Throwable cause) {
        super(ErrorCode.INVALID_INVOCATION, message, cause);
    }

    private InvalidInvocationException(ErrorCode code, String message) {
        super(code, message, null);
    }

    /** A valid command this function does not accept ({@link ErrorCode#COMMAND_NOT_ALLOWED}). */
    public static InvalidInvocationException notAllowed(String message) {
        return new InvalidInvocationException(ErrorCode.COMMAND_NOT_ALLOWED, message);
    }
}
