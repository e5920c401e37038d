package io.skylift.migrator.failure;

import java.util.Objects;

/**
 * Every failure the function reports on purpose: one sealed family, each with an {@link ErrorCode}. The message
 * is what an operator reads (it names the item, the value and the fix) and never holds a secret. Anything thrown
 * that is not one of these is unexpected and is reported as {@link ErrorCode#UNEXPECTED}.
 */
public abstract sealed class MigratorException extends RuntimeException
        permits ConfigurationException, InvalidInvocationException, SecretReadException,
        DatabaseUnavailableException, AuthenticationFailedException, MigrationFailedException {
    private final ErrorCode code;

    MigratorException(ErrorCode code, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message must not be null"), cause);
        this.code = Objects.requireNonNull(code, "code must not be null");
    }

    public ErrorCode code() {
        return code;
    }
}
