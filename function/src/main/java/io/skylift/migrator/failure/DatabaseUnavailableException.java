package io.skylift.migrator.failure;

import java.util.Set;

/**
 * No connection could be opened: refused or timed out for the whole retry window, or a failure that retrying
 * cannot mend (unknown host, TLS, another connection error). The code says which.
 */
public final class DatabaseUnavailableException extends MigratorException {
    private static final Set<ErrorCode> CODES = Set.of(ErrorCode.DATABASE_UNREACHABLE,
            ErrorCode.DATABASE_UNKNOWN_HOST, ErrorCode.DATABASE_TLS, ErrorCode.DATABASE_CONNECTION);

    public DatabaseUnavailableException(ErrorCode code, String message) {
        super(checked(code), message, null);
    }

    private static ErrorCode checked(ErrorCode code) {
        if (!CODES.contains(code)) {
            throw new IllegalArgumentException(code + " is not a connection failure");
        }
        return code;
    }
}
