package io.skylift.migrator.testkit;

/**
 * Databases on the test kit's PostgreSQL server for code outside JUnit (the local run): the same server choice
 * and the same fresh-database-and-role as {@link PostgresExtension}, but kept until the JVM exits.
 */
public final class LocalDatabases {
    private LocalDatabases() {
    }

    /** PEM file of the CA that issued the server's TLS certificate (starts the server if needed). */
    public static java.nio.file.Path caCertificate() {
        return PostgresServers.shared().caCertificate();
    }

    /** A fresh database with its own login role (which may create roles, as Aurora's master user can). */
    public static TestDatabase create(String label) {
        return DatabaseProvisioner.create(PostgresServers.shared(), label);
    }
}
