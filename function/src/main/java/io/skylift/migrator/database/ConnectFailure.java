package io.skylift.migrator.database;

import io.skylift.migrator.failure.AuthenticationFailedException;
import io.skylift.migrator.failure.CauseChain;
import io.skylift.migrator.failure.DatabaseUnavailableException;
import io.skylift.migrator.failure.ErrorCode;
import io.skylift.migrator.failure.MigratorException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * Why one connection attempt failed, decided from the driver's cause chain and SQL state rather than its wording
 * where it can be. Only what a resuming Aurora looks like from outside (refused, timed out, reset, "starting up",
 * "too many connections") is worth retrying; a wrong host name, certificate or password stays wrong however often
 * it is tried, so it is reported at once with what to check.
 *
 * @param kind   the classification
 * @param detail the driver's first line, for messages (it never holds the password: pgjdbc does not echo it)
 * @param state  the SQL state, empty when none
 */
record ConnectFailure(Kind kind, String detail, String state) {
    /** How the attempt failed. */
    public enum Kind { REFUSED, TIMED_OUT, INTERRUPTED_OR_STARTING, UNKNOWN_HOST, TLS, AUTHENTICATION, OTHER }

    private static final Set<String> AUTHENTICATION_STATES = Set.of("28P01", "28000");
    /** The server is starting or shutting down, or out of connection slots: all pass. */
    private static final Set<String> BUSY_STATES = Set.of("57P03", "53300", "57P01");
    /** pgjdbc's "The server does not support SSL" (sslmode require against a server without TLS). */
    private static final String REJECTED_STATE = "08004";

    public ConnectFailure {
        Objects.requireNonNull(kind, "kind must not be null");
        Objects.requireNonNull(detail, "detail must not be null");
        Objects.requireNonNull(state, "state must not be null");
    }

    /** Classifies the driver's exception for one attempt. */
    public static ConnectFailure classify(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String detail = firstLine(e.getMessage());
        if (AUTHENTICATION_STATES.contains(state)) {
            return new ConnectFailure(Kind.AUTHENTICATION, detail, state);
        }
        for (Throwable t : CauseChain.of(e)) {
            if (t instanceof UnknownHostException) {
                return new ConnectFailure(Kind.UNKNOWN_HOST, detail, state);
            }
            if (t instanceof SSLException || t instanceof GeneralSecurityException) {
                return new ConnectFailure(Kind.TLS, detail + causeText(t), state);
            }
            if (t instanceof SocketTimeoutException) {
                return new ConnectFailure(Kind.TIMED_OUT, detail, state);
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return new ConnectFailure(Kind.REFUSED, detail, state);
            }
        }
        String lower = detail.toLowerCase(Locale.ROOT);
        // pgjdbc reports these without an SSL exception in the chain: a server without TLS, a host name that the
        // certificate does not name, a CA bundle that cannot be read.
        if (REJECTED_STATE.equals(state) || lower.contains("ssl") || lower.contains("hostnameverifier")
                || lower.contains("certificate")) {
            return new ConnectFailure(Kind.TLS, detail, state);
        }
        if (BUSY_STATES.contains(state) || state.startsWith("08")) {
            return new ConnectFailure(Kind.INTERRUPTED_OR_STARTING, detail, state);
        }
        return new ConnectFailure(Kind.OTHER, detail, state);
    }

    /** Whether another attempt may succeed: Aurora resuming, a network blip. */
    public boolean retryable() {
        return kind == Kind.REFUSED || kind == Kind.TIMED_OUT || kind == Kind.INTERRUPTED_OR_STARTING;
    }

    /** A few words for the give-up message: "connection refused", … */
    public String summary() {
        return switch (kind) {
            case REFUSED -> "last: connection refused";
            case TIMED_OUT -> "last: connection timed out";
            default -> "last: " + detail.replaceAll("\\.+$", "");
        };
    }

    /** The failure to report for a permanent classification. */
    public MigratorException toException(DatabaseTarget target) {
        String where = target.describe();
        return switch (kind) {
            case AUTHENTICATION -> new AuthenticationFailedException("The database " + where + " refused user '"
                    + target.username() + "' (SQL state " + state + "): check the secret's username and password; "
                    + "after a rotation the secret is read again once");
            case UNKNOWN_HOST -> new DatabaseUnavailableException(ErrorCode.DATABASE_UNKNOWN_HOST, "The database host of "
                    + where + " is unknown (" + detail.replaceAll("\\.+$", "") + "): check the secret's 'host' (or "
                    + "DB_HOST, FLYWAY_URL) and that the function's VPC resolves it (DNS hostnames and resolution enabled)");
            case TLS -> new DatabaseUnavailableException(ErrorCode.DATABASE_TLS, "TLS to the database " + where
                    + " failed: " + detail.replaceAll("\\.+$", "") + ". DB_SSL_MODE is " + target.sslMode()
                    + (target.sslRootCert() == null ? "" : " and DB_SSL_ROOT_CERT is " + target.sslRootCert())
                    + ": check that the CA bundle holds the server certificate's issuer and that the host name is the "
                    + "one the certificate names (the cluster endpoint, not an IP address); a local database "
                    + "without TLS needs DB_SSL_MODE=disable");
            default -> new DatabaseUnavailableException(ErrorCode.DATABASE_CONNECTION, "Could not connect to "
                    + where + ": " + detail.replaceAll("\\.+$", "") + (state.isEmpty() ? "" : " (SQL state " + state
                    + ")") + ". This is not retried: check the database name and the user's rights to connect");
        };
    }

    private static String causeText(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? "" : " (" + firstLine(message).replaceAll("\\.+$", "") + ")";
    }

    private static String firstLine(String message) {
        String text = String.valueOf(message);
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
