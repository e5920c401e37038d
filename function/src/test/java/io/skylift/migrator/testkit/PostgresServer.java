package io.skylift.migrator.testkit;

/**
 * A running PostgreSQL server that tests may create databases and roles on. How it runs (a
 * container or an embedded process) is the implementation's business.
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

    /** A database that always exists, for the superuser's own connections. */
    default String adminDatabase() {
        return "postgres";
    }

    /** Stops the server and removes what it left on disk. Idempotent; never throws. */
    @Override
    void close();
}
