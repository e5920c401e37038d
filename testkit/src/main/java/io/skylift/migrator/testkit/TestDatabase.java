package io.skylift.migrator.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A fresh, empty PostgreSQL database made for one test, owned by a login role made for it too,
 * which has a password (scram-sha-256), no superuser rights, and can create tables in
 * {@code public} (it owns the database, so it owns {@code public} through {@code pg_database_owner}).
 * {@link PostgresExtension} injects it and drops both when the test is over.
 *
 * <p>The server speaks TLS with a certificate for {@code localhost} and {@code 127.0.0.1} that a CA made for this
 * run issued ({@link #caCertificate()}); the role may log in over TLS only. {@link #jdbcUrl()} verifies the server
 * as the migrator does by default ({@code sslmode=verify-full} with that CA as {@code sslrootcert}).
 *
 * <p>{@link #toString()} masks both passwords. The convenience methods run as the superuser and
 * wrap {@link SQLException} in {@link IllegalStateException} (message names the SQL), so that they
 * read well inside assertions; {@link #connect()} and {@link #adminConnection()} are plain JDBC.
 *
 * @param host          host name or address of the server
 * @param port          TCP port of the server
 * @param databaseName  this test's database
 * @param username      this test's role, the database's owner
 * @param password      the role's password when this record was made (see {@link #changePassword})
 * @param caCertificate PEM file of the CA that issued the server's certificate (for {@code DB_SSL_ROOT_CERT});
 *                      null for a server without TLS
 * @param adminUsername a superuser
 * @param adminPassword the superuser's password (the embedded server does not ask for it)
 */
public record TestDatabase(String host, int port, String databaseName, String username, String password,
                           Path caCertificate, String adminUsername, String adminPassword) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public TestDatabase {
        Objects.requireNonNull(host, "host must not be null");
        Objects.requireNonNull(databaseName, "databaseName must not be null");
        Objects.requireNonNull(username, "username must not be null");
        Objects.requireNonNull(password, "password must not be null");
        Objects.requireNonNull(adminUsername, "adminUsername must not be null");
    }

    /** {@code jdbc:postgresql://host:port/databaseName}, without credentials or TLS parameters. */
    public String baseJdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + databaseName;
    }

    /**
     * {@link #baseJdbcUrl()} with {@code sslmode=verify-full} and {@code sslrootcert} = {@link #caCertificate()}:
     * the server's certificate and host name are checked, as the migrator checks Aurora's. For a server without TLS,
     * {@code sslmode=disable}.
     */
    public String jdbcUrl() {
        if (caCertificate == null) {
            return baseJdbcUrl() + "?sslmode=disable";
        }
        return jdbcUrl(caCertificate);
    }

    /** {@link #baseJdbcUrl()} verifying the server's certificate and host name against {@code caBundle}. */
    public String jdbcUrl(Path caBundle) {
        return baseJdbcUrl() + "?sslmode=verify-full&sslrootcert="
                + URLEncoder.encode(caBundle.toString(), StandardCharsets.UTF_8);
    }

    /** The same database and role reached through {@code otherHost} (for host-name verification tests). */
    public TestDatabase withHost(String otherHost) {
        return new TestDatabase(otherHost, port, databaseName, username, password, caCertificate, adminUsername,
                adminPassword);
    }

    /** A new connection to this database as the test's role; the caller closes it. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), username, password);
    }

    /** A new connection to this database as the superuser; the caller closes it. */
    public Connection adminConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), adminUsername, adminPassword);
    }

    /**
     * Gives the test's role a new password, as a secret rotation does. Sessions already open stay
     * open (as in PostgreSQL); end them with {@link #terminateConnections()}.
     *
     * @return a copy of this record with the new password (this record keeps the old one)
     */
    public TestDatabase changePassword(String newPassword) {
        Objects.requireNonNull(newPassword, "newPassword must not be null");
        // ALTER ROLE takes no bind parameters: let the server quote both parts with format().
        runAsAdmin("ALTER ROLE ... PASSWORD", connection -> {
            try (PreparedStatement quote = connection.prepareStatement("SELECT format('ALTER ROLE %I PASSWORD %L', ?, ?)")) {
                quote.setString(1, username);
                quote.setString(2, newPassword);
                try (ResultSet rs = quote.executeQuery(); Statement alter = connection.createStatement()) {
                    rs.next();
                    alter.execute(rs.getString(1));
                }
            }
            return null;
        });
        return new TestDatabase(host, port, databaseName, username, newPassword, caCertificate, adminUsername,
                adminPassword);
    }

    /**
     * Ends every session of the test's role (waiting up to 5 s for each to go), as a failover or an
     * idle-timeout would.
     *
     * @return how many sessions were ended
     */
    public int terminateConnections() {
        return runAsAdmin("pg_terminate_backend", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
                            + " WHERE usename = ? AND pid <> pg_backend_pid()")) {
                statement.setString(1, username);
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /**
     * Runs a query in this database as the superuser.
     *
     * @param params values for the {@code ?} placeholders, in order
     * @return every row, in order, as an unmodifiable map from column label to value (values may be null)
     */
    public List<Map<String, Object>> query(String sql, Object... params) {
        return runAsAdmin(sql, connection -> {
            try (PreparedStatement statement = prepare(connection, sql, params);
                 ResultSet rs = statement.executeQuery()) {
                return rows(rs);
            }
        });
    }

    /**
     * Runs a statement in this database as the superuser.
     *
     * @return the update count (0 for DDL)
     */
    public int execute(String sql, Object... params) {
        return runAsAdmin(sql, connection -> {
            try (PreparedStatement statement = prepare(connection, sql, params)) {
                statement.execute();
                return Math.max(0, statement.getUpdateCount());
            }
        });
    }

    /** Whether table {@code schema.table} exists (names as stored: unquoted names are lower case). */
    public boolean tableExists(String schema, String table) {
        return !query("SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                schema, table).isEmpty();
    }

    /** Rows of {@code public.flyway_schema_history}, by {@code installed_rank}; empty when the table does not exist. */
    public List<Map<String, Object>> schemaHistory() {
        return schemaHistory("public");
    }

    /** Rows of {@code <schema>.flyway_schema_history}, by {@code installed_rank}; empty when the table does not exist. */
    public List<Map<String, Object>> schemaHistory(String schema) {
        if (!tableExists(schema, "flyway_schema_history")) {
            return List.of();
        }
        String quotedSchema = '"' + schema.replace("\"", "\"\"") + '"';
        return query("SELECT * FROM " + quotedSchema + ".flyway_schema_history ORDER BY installed_rank");
    }

    /**
     * This database as Secrets Manager's RDS secret JSON ({@code username}, {@code password},
     * {@code host}, {@code port}, {@code dbname}, {@code engine}), with this record's password.
     */
    public String rdsSecretJson() {
        Map<String, Object> secret = new LinkedHashMap<>();
        secret.put("engine", "postgres");
        secret.put("host", host);
        secret.put("port", port);
        secret.put("dbname", databaseName);
        secret.put("username", username);
        secret.put("password", password);
        try {
            return JSON.writeValueAsString(secret);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the secret JSON", e);
        }
    }

    /** Everything but the passwords, which show as {@code <masked>}. */
    @Override
    public String toString() {
        return "TestDatabase[host=" + host + ", port=" + port + ", databaseName=" + databaseName
                + ", username=" + username + ", password=<masked>, caCertificate=" + caCertificate
                + ", adminUsername=" + adminUsername + ", adminPassword=<masked>]";
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T runAsAdmin(String what, SqlWork<T> work) {
        try (Connection connection = adminConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed in " + databaseName + ": " + what + ": " + e.getMessage(), e);
        }
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
        return statement;
    }

    private static List<Map<String, Object>> rows(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        List<Map<String, Object>> rows = new ArrayList<>();
        while (rs.next()) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int column = 1; column <= meta.getColumnCount(); column++) {
                row.put(meta.getColumnLabel(column), rs.getObject(column));
            }
            rows.add(Collections.unmodifiableMap(row));
        }
        return List.copyOf(rows);
    }
}
