package io.skylift.migrator.testkit;

import java.nio.file.Path;

/**
 * A running PostgreSQL server that tests may create databases and roles on. How it runs (a
 * container or an embedded process) is the implementation's business.
 *
 * <p>It serves TLS, as Aurora does, with a certificate that a {@link TestCertificateAuthority} made for this run
 * issued for {@code localhost} and {@code 127.0.0.1}; roles other than the superuser may log in over TLS only (as
 * with Aurora's {@code rds.force_ssl=1}).
 */
interface PostgresServer extends AutoCloseable {

    /** One line for people: what runs, and where. */
    String description();

    /** Host name or address to connect to. */
    String host();

    /** TCP port to connect to. */
    int port();

    /** A superuser. */
    String adminUsername();

    /** The superuser's password; a server may not ask for it (embedded: trust). */
    String adminPassword();

    /**
     * PEM file of the CA that issued the server's certificate: what {@code sslrootcert} takes to verify it; null
     * for a server without TLS.
     */
    Path caCertificate();

    /**
     * Another address on which the server answers, which its certificate does not name: a client verifying the
     * host name ({@code verify-full}) must refuse it.
     */
    default String hostNotInCertificate() {
        return "127.0.0.2";
    }

    /** What the server has logged so far (its stderr log: errors with their statements, and what log_statement adds). */
    String log();

    /** A database that always exists, for the superuser's own connections. */
    default String adminDatabase() {
        return "postgres";
    }

    /** Stops the server and removes what it left on disk. Idempotent; never throws. */
    @Override
    void close();
}
