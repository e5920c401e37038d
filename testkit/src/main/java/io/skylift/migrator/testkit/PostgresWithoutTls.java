package io.skylift.migrator.testkit;

/**
 * A second, short-lived PostgreSQL server that offers no TLS (embedded, whatever the shared server is): for tests of
 * what a client that insists on TLS does when something without it answers on the database's address. Start one per
 * test class that needs it and close it.
 */
public final class PostgresWithoutTls implements AutoCloseable {
    private final PostgresServer server;

    private PostgresWithoutTls(PostgresServer server) {
        this.server = server;
    }

    /** Starts the server (a few seconds: it reuses the cached cluster template). */
    public static PostgresWithoutTls start() {
        return new PostgresWithoutTls(EmbeddedPostgresServer.startWithoutTls());
    }

    /** A fresh database and login role on it, as {@link PostgresExtension} makes them; gone with the server. */
    public TestDatabase createDatabase(String label) {
        return DatabaseProvisioner.create(server, label);
    }

    @Override
    public void close() {
        server.close();
    }
}
