package io.skylift.migrator.testkit;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(PostgresExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresExtensionTest {

    private static String previousDatabase;
    private TestDatabase fromBeforeEach;

    @BeforeEach
    void remember(TestDatabase database) {
        fromBeforeEach = database;
    }

    @Test
    @Order(1)
    void a_test_gets_an_empty_database_that_its_own_non_superuser_role_owns(TestDatabase database) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT current_user, current_database(), "
                     + "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user), "
                     + "(SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()), "
                     + "(SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema'))")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(database.username());
            assertThat(rs.getString(2)).isEqualTo(database.databaseName());
            assertThat(rs.getBoolean(3)).as("role is superuser").isFalse();
            assertThat(rs.getString(4)).as("database owner").isEqualTo(database.username());
            assertThat(rs.getLong(5)).as("tables in a fresh database").isZero();
        }
        assertThat(database.jdbcUrl()).startsWith(database.baseJdbcUrl() + "?sslmode=verify-full&sslrootcert=");
        previousDatabase = database.databaseName();
    }

    @Test
    void the_role_connects_over_tls_verified_against_the_kits_ca(TestDatabase database) {
        assertThat(database.caCertificate()).isRegularFile();
        assertThat(database.host()).isEqualTo("127.0.0.1");
        // jdbcUrl verifies the certificate and the host name; the session's own view says TLS is on.
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("session uses TLS").isTrue();
            assertThat(rs.getString(2)).startsWith("TLSv1.");
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void the_role_may_not_log_in_without_tls_as_with_rds_force_ssl(TestDatabase database) {
        assertThatThrownBy(() -> DriverManager.getConnection(database.baseJdbcUrl() + "?sslmode=disable",
                database.username(), database.password()).close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getMessage()).contains("no encryption"));
    }

    @Test
    void the_other_address_reaches_the_server_but_is_not_in_its_certificate(TestDatabase database) throws SQLException {
        TestDatabase elsewhere = database.withHost(PostgresServers.shared().hostNotInCertificate());
        try (Connection encryptedOnly = DriverManager.getConnection(elsewhere.baseJdbcUrl() + "?sslmode=require",
                database.username(), database.password())) {
            assertThat(encryptedOnly.isValid(2)).isTrue();
        }
        assertThatThrownBy(() -> elsewhere.connect().close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getMessage()).contains("hostname"));
    }

    @Test
    @Order(2)
    void the_previous_tests_database_is_gone_and_this_one_is_another(TestDatabase database) {
        assertThat(previousDatabase).as("test 1 ran first").isNotNull();
        assertThat(database.databaseName()).isNotEqualTo(previousDatabase);
        assertThat(database.query("SELECT 1 FROM pg_database WHERE datname = ?", previousDatabase))
                .as("database of the previous test").isEmpty();
    }

    @Test
    void before_each_methods_get_the_same_database_as_the_test(TestDatabase database) {
        assertThat(fromBeforeEach).isEqualTo(database);
    }

    @Test
    void the_role_can_run_flyway_migrations_and_schema_history_shows_them(TestDatabase database) {
        assertThat(database.schemaHistory()).as("history before any migration").isEmpty();

        Flyway.configure().dataSource(database.jdbcUrl(), database.username(), database.password())
                .locations("classpath:testkit/migrations").load().migrate();

        assertThat(database.schemaHistory()).singleElement().satisfies(row -> {
            assertThat(row.get("version")).isEqualTo("1");
            assertThat(row.get("script")).isEqualTo("V1__create_greeting.sql");
            assertThat(row.get("success")).isEqualTo(true);
            assertThat(row.get("installed_by")).isEqualTo(database.username());
        });
        assertThat(database.query("SELECT text FROM greeting WHERE id = ?", 1))
                .containsExactly(java.util.Map.of("text", "hello"));
        assertThat(database.tableExists("public", "greeting")).isTrue();
    }

    @Test
    void a_wrong_password_is_refused_with_invalid_password(TestDatabase database) {
        assertThatThrownBy(() -> DriverManager.getConnection(database.jdbcUrl(), database.username(), "wrong").close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }

    @Test
    void changing_the_password_refuses_the_old_one_and_terminating_ends_open_sessions(TestDatabase database)
            throws SQLException {
        try (Connection before = database.connect()) {
            TestDatabase rotated = database.changePassword("n3w'p@ss \"word\"");

            assertThat(rotated.password()).isEqualTo("n3w'p@ss \"word\"");
            assertThatThrownBy(() -> database.connect().close())
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
            try (Connection after = rotated.connect()) {
                assertThat(after.isValid(2)).isTrue();
            }
            assertThat(before.isValid(2)).as("session opened before the change").isTrue();

            assertThat(database.terminateConnections()).isEqualTo(1);
            assertThat(before.isValid(2)).as("session after terminateConnections").isFalse();
        }
    }

    @Test
    void the_rds_secret_json_describes_the_database_and_to_string_hides_passwords(TestDatabase database) {
        var secret = new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(
                database.query("SELECT 1 AS one").get(0)); // proves query() works for a plain SELECT too
        assertThat(secret.get("one").asInt()).isEqualTo(1);

        String json = database.rdsSecretJson();
        assertThat(json).contains("\"username\":\"" + database.username() + "\"", "\"dbname\":\"" + database.databaseName() + "\"",
                "\"port\":" + database.port(), "\"host\":\"" + database.host() + "\"", "\"engine\":\"postgres\"");
        assertThat(database.toString()).doesNotContain(database.password()).contains("<masked>");
    }
}
