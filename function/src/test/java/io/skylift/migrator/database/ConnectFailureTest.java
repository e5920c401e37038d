package io.skylift.migrator.database;

import static org.assertj.core.api.Assertions.assertThat;

import io.skylift.migrator.database.ConnectFailure.Kind;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class ConnectFailureTest {

    private static SQLException driverError(String message, String state, Throwable cause) {
        return new SQLException(message, state, cause);
    }

    @Test
    void refused_and_timed_out_attempts_are_what_a_resuming_aurora_looks_like_and_are_retried() {
        ConnectFailure refused = ConnectFailure.classify(driverError("Connection to db:5432 refused.", "08001",
                new ConnectException("Connection refused")));
        ConnectFailure timedOut = ConnectFailure.classify(driverError("The connection attempt failed.", "08001",
                new SocketTimeoutException("Connect timed out")));
        ConnectFailure starting = ConnectFailure.classify(driverError("FATAL: the database system is starting up",
                "57P03", null));
        assertThat(refused.kind()).isEqualTo(Kind.REFUSED);
        assertThat(timedOut.kind()).isEqualTo(Kind.TIMED_OUT);
        assertThat(starting.kind()).isEqualTo(Kind.INTERRUPTED_OR_STARTING);
        assertThat(refused.retryable() && timedOut.retryable() && starting.retryable()).isTrue();
    }

    @Test
    void unknown_hosts_tls_failures_and_refused_credentials_are_permanent() {
        assertThat(ConnectFailure.classify(driverError("The connection attempt failed.", "08001",
                new UnknownHostException("db.example.invalid"))).kind()).isEqualTo(Kind.UNKNOWN_HOST);
        assertThat(ConnectFailure.classify(driverError("SSL error: PKIX path building failed", "08006",
                new SSLHandshakeException("PKIX path building failed"))).kind()).isEqualTo(Kind.TLS);
        assertThat(ConnectFailure.classify(driverError("The server does not support SSL.", "08004", null)).kind())
                .isEqualTo(Kind.TLS);
        assertThat(ConnectFailure.classify(driverError("FATAL: password authentication failed", "28P01", null))
                .kind()).isEqualTo(Kind.AUTHENTICATION);
        ConnectFailure noDatabase = ConnectFailure.classify(driverError("FATAL: database \"shop\" does not exist",
                "3D000", null));
        assertThat(noDatabase.kind()).isEqualTo(Kind.OTHER);
        assertThat(noDatabase.retryable()).isFalse();
    }
}
