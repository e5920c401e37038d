package io.skylift.migrator.testkit;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/** Makes and removes the per-test database and its owning role on a {@link PostgresServer}. */
final class DatabaseProvisioner {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHANUMERIC = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    // Punctuation as in RDS-generated passwords (which exclude / @ " and space): it catches code
    // that pastes a password into a URL or a connection string without encoding it.
    private static final String PUNCTUATION = "!#%&*+-=?^_~";

    private DatabaseProvisioner() {
    }

    /**
     * Creates a login role with a random password and a database it owns.
     *
     * @param label words for people reading server logs (a test name); sanitized and shortened
     */
    static TestDatabase create(PostgresServer server, String label) {
        String name = "t" + SEQUENCE.incrementAndGet() + "_" + sanitize(label);
        String role = name + "_owner";
        String password = randomPassword();
        try (Connection admin = adminConnection(server)) {
            // CREATEROLE, as Aurora's master user has through rds_superuser: migrations may create application roles.
            execute(admin, "SELECT format('CREATE ROLE %I LOGIN CREATEROLE PASSWORD %L', ?, ?)", role, password);
            execute(admin, "SELECT format('CREATE DATABASE %I OWNER %I', ?, ?)", name, role);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + " on " + server.description(), e);
        }
        return new TestDatabase(server.host(), server.port(), name, role, password, server.caCertificate(),
                server.adminUsername(), server.adminPassword());
    }

    /** Drops the database (ending its sessions) and its role. Best effort: a failure only warns. */
    static void drop(PostgresServer server, TestDatabase database) {
        try (Connection admin = adminConnection(server)) {
            execute(admin, "SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', ?)", database.databaseName());
            execute(admin, "SELECT format('DROP ROLE IF EXISTS %I', ?)", database.username());
            // Roles a test's migrations made for its database are named after it (<database>_app).
            try (var roles = admin.prepareStatement("SELECT rolname FROM pg_roles WHERE starts_with(rolname, ?)")) {
                roles.setString(1, database.databaseName() + "_");
                var names = new java.util.ArrayList<String>();
                try (var rows = roles.executeQuery()) {
                    while (rows.next()) {
                        names.add(rows.getString(1));
                    }
                }
                for (String name : names) {
                    execute(admin, "SELECT format('DROP ROLE IF EXISTS %I', ?)", name);
                }
            }
        } catch (SQLException e) {
            System.err.println("[skylift-testkit] could not drop " + database.databaseName() + ": " + e.getMessage());
        }
    }

    private static Connection adminConnection(PostgresServer server) throws SQLException {
        // The superuser is trusted on loopback; skipping TLS keeps the kit's own set-up fast.
        return DriverManager.getConnection("jdbc:postgresql://" + server.host() + ":" + server.port() + "/"
                + server.adminDatabase() + "?sslmode=disable", server.adminUsername(), server.adminPassword());
    }

    /** Builds the statement with the server's own quoting (format's %I and %L), then runs it. */
    private static void execute(Connection admin, String formatQuery, String... args) throws SQLException {
        String sql;
        try (PreparedStatement format = admin.prepareStatement(formatQuery)) {
            for (int i = 0; i < args.length; i++) {
                format.setString(i + 1, args[i]);
            }
            try (ResultSet rs = format.executeQuery()) {
                rs.next();
                sql = rs.getString(1);
            }
        }
        try (Statement statement = admin.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Lower-case letters, digits and underscores, at most 40 characters (identifiers stop at 63). */
    static String sanitize(String label) {
        String clean = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        return clean.length() > 40 ? clean.substring(0, 40) : clean;
    }

    private static String randomPassword() {
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            password.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
        }
        for (int i = 0; i < 4; i++) {
            password.insert(1 + RANDOM.nextInt(password.length() - 1), PUNCTUATION.charAt(RANDOM.nextInt(PUNCTUATION.length())));
        }
        return password.toString();
    }
}
