package io.skylift.migrator.database;

import io.skylift.migrator.failure.CauseChain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.sql.SQLException;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Recognises connection failures caused by TLS and says what to check. They are permanent: an untrusted certificate,
 * a certificate for another host or a server without TLS does not mend while Aurora resumes, so retrying them would
 * only hold the deploy for minutes before the same failure.
 */
final class TlsFailure {
    /** pgjdbc names its host-name verifier in that message in every language ({@code {1}} of the message). */
    private static final String HOSTNAME_VERIFIER = "PgjdbcHostnameVerifier";
    /** pgjdbc's state for "The server does not support SSL" (also other rejections: see {@link #explain}). */
    private static final String REJECTED_STATE = "08004";

    private TlsFailure() {
    }

    /**
     * A problem with {@code DB_SSL_ROOT_CERT} found before connecting, so the reason names the file rather than the
     * driver's words about it.
     */
    static Optional<String> checkRootCertificate(DatabaseTarget target) {
        if (!target.verifiesCertificate() || target.sslRootCert() == null) {
            return Optional.empty();
        }
        Path bundle = Path.of(target.sslRootCert());
        if (Files.isRegularFile(bundle) && Files.isReadable(bundle)) {
            return Optional.empty();
        }
        return Optional.of("DB_SSL_ROOT_CERT is " + bundle + ", which does not exist or cannot be read: the image "
                + "carries Amazon RDS's CA bundle there when built from the Dockerfile (rebuild it), or set "
                + "DB_SSL_ROOT_CERT to a PEM file of the CA that issued the database's certificate");
    }

    /** Why the connection failed, when TLS is the reason; empty for any other failure. */
    static Optional<String> explain(SQLException e, DatabaseTarget target) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String where = "The database server at " + target.hostAndPort();
        String setting = " (DB_SSL_MODE is " + target.sslMode()
                + (target.sslRootCert() == null ? "" : ", DB_SSL_ROOT_CERT is " + target.sslRootCert()) + ")";
        if (REJECTED_STATE.equals(state) && target.requiresTls()) {
            return Optional.of(where + " does not offer TLS" + setting + ": check that the host (DB_HOST or the secret's "
                    + "'host') is the Aurora cluster's endpoint (Aurora always offers TLS) and that nothing else answers on that "
                    + "address; for a local database without TLS set DB_SSL_MODE=disable");
        }
        if (String.valueOf(e.getMessage()).contains(HOSTNAME_VERIFIER)) {
            // No advice to check only the CA: with Amazon RDS's bundle that trusts the certificate of any RDS
            // endpoint, so the host name is the check that says this is our database.
            return Optional.of(where + " presented a certificate that does not name the host '" + target.host() + "'"
                    + setting + ": connect with the cluster's endpoint name as RDS gives it (DB_HOST or the secret's "
                    + "'host'; not an IP address, a CNAME of your own or a tunnel's address)");
        }
        if (CauseChain.first(e, CertPathBuilderException.class).isPresent()
                || CauseChain.first(e, CertPathValidatorException.class).isPresent()) {
            return Optional.of(where + " presented a certificate that the CA bundle does not trust" + setting
                    + ": check that the host is the Aurora cluster's endpoint and that DB_SSL_ROOT_CERT is Amazon "
                    + "RDS's CA bundle (the image's default) or the CA of your own database");
        }
        if (CauseChain.first(e, SSLException.class).isPresent()) {
            return Optional.of("TLS with the database server at " + target.hostAndPort() + " failed" + setting + ": "
                    + firstLine(CauseChain.root(e)) + "; check the endpoint and the CA bundle");
        }
        return Optional.empty();
    }

    private static String firstLine(Throwable t) {
        String message = String.valueOf(t.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
