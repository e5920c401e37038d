package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invoke;
import static io.skylift.migrator.MigratorFixture.invokeJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.config.Settings;
import io.skylift.migrator.database.ConnectRetryPolicy;
import io.skylift.migrator.deadline.Deadline;
import io.skylift.migrator.drift.SchemaReference;
import io.skylift.migrator.invocation.Command;
import io.skylift.migrator.invocation.DirectRequest;
import io.skylift.migrator.secrets.CachingSecretSource;
import io.skylift.migrator.secrets.SecretsManagerSource;
import io.skylift.migrator.testkit.LambdaContext;
import io.skylift.migrator.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The planner's role, kept by the migrator after each successful migrate ({@code PLANNER_SECRET_ARN}): it logs in
 * with its own secret's password, reads the schema history and the tables, and PostgreSQL refuses it every write.
 */
@ExtendWith({PostgresExtension.class, MigratorFixtureExtension.class})
class PlannerRoleTest {
    private static final String PLANNER_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shop-planner-MnOpQr";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private MigratorFixture fixture;
    private String role;

    @BeforeEach
    void setUp(MigratorFixture fixture) {
        this.fixture = fixture;
        // Roles are cluster-wide: one per test database.
        role = fixture.database.databaseName() + "_planner";
        plannerPassword("planner-Pa55word-of-its-own");
        fixture.environment.put(Settings.PLANNER_SECRET_VARIABLE, PLANNER_SECRET);
    }

    @AfterEach
    void dropRole() throws SQLException {
        // Roles outlive the test database the extension drops: this one goes here, with its grants.
        try (Connection admin = fixture.database.adminConnection(); Statement statement = admin.createStatement()) {
            if (exists(admin)) {
                statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role
                        + "'");
                statement.execute("DROP OWNED BY \"" + role + "\"");
                statement.execute("DROP ROLE \"" + role + "\"");
            }
        }
    }

    @Test
    void after_migrate_the_planner_role_reads_the_history_and_the_tables_and_is_refused_every_write()
            throws SQLException {
        invokeJson(fixture.handler(), "{\"command\":\"migrate\"}");

        try (Connection planner = plannerConnection("planner-Pa55word-of-its-own");
             Statement statement = planner.createStatement()) {
            assertThat(count(statement, "SELECT count(*) FROM flyway_schema_history")).isEqualTo(5);
            assertThat(count(statement, "SELECT count(*) FROM order_statuses")).isEqualTo(5);
            assertThat(count(statement, "SELECT count(*) FROM customer_order_totals")).isZero();
            // Its default is read-only sessions, but that is not what stops it: with the session writable, the
            // permissions still refuse.
            statement.execute("SET default_transaction_read_only = off");
            for (String write : new String[] {
                    "INSERT INTO customers (email, full_name) VALUES ('a@example.com', 'A')",
                    "UPDATE order_statuses SET description = 'x'",
                    "DELETE FROM flyway_schema_history",
                    "TRUNCATE orders",
                    "CREATE TABLE planner_was_here (id int)",
                    "CREATE SCHEMA planner_schema"}) {
                assertThatThrownBy(() -> statement.execute(write)).as(write)
                        .isInstanceOfSatisfying(SQLException.class,
                                e -> assertThat(e.getSQLState()).isEqualTo(INSUFFICIENT_PRIVILEGE));
            }
        }
        assertThat(fixture.database.tableExists("public", "planner_was_here")).isFalse();
        try (Connection owner = fixture.database.connect(); Statement statement = owner.createStatement()) {
            assertThat(count(statement, "SELECT count(*) FROM customers")).isZero();
            assertThat(count(statement, "SELECT count(*) FROM flyway_schema_history")).isEqualTo(5);
        }
    }

    @Test
    void the_planners_password_never_reaches_the_server_log_as_the_role_is_created_or_fails_to_change() {
        fixture.database.execute("ALTER DATABASE \"" + fixture.database.databaseName() + "\" SET log_statement = 'all'");
        int before = PostgresExtension.serverLog().length();
        invokeJson(fixture.handler(), "{\"command\":\"migrate\"}");
        // A new password the migrator may no longer set: the refused ALTER ROLE is logged with its text.
        plannerPassword("planner-second-Pa55word");
        fixture.database.execute("ALTER ROLE \"" + fixture.database.username() + "\" NOCREATEROLE");

        assertThatThrownBy(() -> invoke(fixture.handler(), "{\"command\":\"migrate\"}", LambdaContext.generous()))
                .isInstanceOf(InvocationFailedException.class)
                .hasMessageContaining("PLANNER_ROLE")
                .hasMessageContaining("The migrations were applied");
        String log = PostgresExtension.serverLog().substring(before);

        assertThat(log).as("both statements were logged, with a verifier in the password's place")
                .containsPattern("CREATE ROLE \"?" + role + "\"? WITH LOGIN PASSWORD 'SCRAM-SHA-256\\$4096:")
                .containsPattern("ALTER ROLE \"?" + role + "\"? WITH LOGIN PASSWORD 'SCRAM-SHA-256\\$4096:");
        assertThat(log.contains("planner-Pa55word-of-its-own")).as("the first password is in the server log").isFalse();
        assertThat(log.contains("planner-second-Pa55word")).as("the second password is in the server log").isFalse();
    }

    @Test
    void a_role_that_can_do_more_than_log_in_is_refused_and_keeps_its_password() throws SQLException {
        // The planner's secret names the migrator's own user: it must not get the planner's password.
        fixture.secrets.putSecret(PLANNER_SECRET, fixture.database.rdsSecretJson()
                .replace(fixture.database.password(), "planner-Pa55word-of-its-own"));

        assertThatThrownBy(() -> invoke(fixture.handler(), "{\"command\":\"migrate\"}", LambdaContext.generous()))
                .isInstanceOf(InvocationFailedException.class)
                .hasMessageContaining("PLANNER_ROLE")
                .hasMessageContaining("'" + fixture.database.username() + "'")
                .hasMessageContaining("more than LOGIN")
                .hasMessageNotContaining("planner-Pa55word-of-its-own");
        try (Connection owner = fixture.database.connect()) {
            assertThat(owner.isValid(1)).as("the migrator's user kept its password").isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GRANT pg_write_all_data TO %s", "CREATE SCHEMA kept_by_hand AUTHORIZATION %s; "
            + "CREATE TABLE kept_by_hand.notes (id int); ALTER TABLE kept_by_hand.notes OWNER TO %s"})
    void a_role_that_writes_through_a_membership_or_an_ownership_is_refused(String setUp) throws SQLException {
        try (Connection admin = fixture.database.adminConnection(); Statement statement = admin.createStatement()) {
            statement.execute("CREATE ROLE \"" + role + "\" NOLOGIN");
            for (String sql : setUp.split("; ")) {
                statement.execute(sql.replace("%s", "\"" + role + "\""));
            }
        }

        assertThatThrownBy(() -> invoke(fixture.handler(), "{\"command\":\"migrate\"}", LambdaContext.generous()))
                .isInstanceOf(InvocationFailedException.class)
                .hasMessageContaining("PLANNER_ROLE")
                .hasMessageContaining("'" + role + "'")
                .hasMessageNotContaining("planner-Pa55word-of-its-own");
        try (Connection admin = fixture.database.adminConnection(); Statement statement = admin.createStatement();
             ResultSet rs = statement.executeQuery("SELECT rolcanlogin FROM pg_roles WHERE rolname = '" + role + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).as("not given LOGIN and the planner's password").isFalse();
        }
    }

    @Test
    void a_migrate_with_nothing_pending_still_creates_the_role_for_a_planner_new_to_the_database()
            throws SQLException {
        fixture.environment.remove(Settings.PLANNER_SECRET_VARIABLE);
        invokeJson(fixture.handler(), "{\"command\":\"migrate\"}");
        fixture.environment.put(Settings.PLANNER_SECRET_VARIABLE, PLANNER_SECRET);

        JsonNode noOp = invokeJson(fixture.handler(), "{\"command\":\"migrate\"}");

        assertThat(noOp.get("migrationsApplied").asInt()).isZero();
        try (Connection planner = plannerConnection("planner-Pa55word-of-its-own");
             Statement statement = planner.createStatement()) {
            assertThat(count(statement, "SELECT count(*) FROM flyway_schema_history")).isEqualTo(5);
        }
    }

    @Test
    void a_new_planner_password_and_a_new_table_are_taken_up_by_the_next_migrate() throws SQLException {
        invokeJson(fixture.handler(), "{\"command\":\"migrate\"}");
        plannerPassword("planner-rotated-Pa55word");
        fixture.migration("V5__loyalty.sql", "CREATE TABLE loyalty (customer_id bigint PRIMARY KEY, points int);");

        invokeJson(fixture.handler(), "{\"command\":\"migrate\"}");

        assertThatThrownBy(() -> plannerConnection("planner-Pa55word-of-its-own").close())
                .as("the old password no longer logs in").isInstanceOf(SQLException.class);
        try (Connection planner = plannerConnection("planner-rotated-Pa55word");
             Statement statement = planner.createStatement()) {
            assertThat(count(statement, "SELECT count(*) FROM loyalty")).isZero();
        }
    }

    @Test
    void the_planner_runs_info_and_validate_as_its_role_without_the_master_or_placeholder_secrets() {
        invokeJson(fixture.handler(), "{\"command\":\"migrate\"}");
        // The planner's environment, as the construct gives it.
        fixture.environment.put(Settings.SECRET_VARIABLE, PLANNER_SECRET);
        fixture.environment.remove(Settings.PLANNER_SECRET_VARIABLE);
        fixture.environment.remove("PLACEHOLDER_SECRET_APP_PASSWORD");
        MigratorHandler planner = fixture.handler();

        JsonNode info = invokeJson(planner, "{\"command\":\"info\"}");
        JsonNode validate = invokeJson(planner, "{\"command\":\"validate\"}");

        assertThat(info.get("success").asBoolean()).isTrue();
        assertThat(info.get("schemaVersion").asText()).isEqualTo("4");
        assertThat(info.get("applied")).hasSize(5);
        assertThat(validate.get("success").asBoolean()).as(validate.toString()).isTrue();
    }

    @Test
    void the_planner_runs_drift_as_its_role_and_names_a_change_made_outside_the_migrations() throws SQLException {
        invokeJson(fixture.handler(), "{\"command\":\"migrate\"}");
        assertThat(mayRead(SchemaReference.TABLE)).as("the planner may read the drift reference").isTrue();
        fixture.database.execute("CREATE INDEX order_statuses_description_idx ON order_statuses (description)");
        // The planner's environment, as the construct gives it.
        fixture.environment.put(Settings.SECRET_VARIABLE, PLANNER_SECRET);
        fixture.environment.put(Settings.COMMANDS_VARIABLE, "plan,lint,info,validate,drift");
        fixture.environment.remove(Settings.PLANNER_SECRET_VARIABLE);
        fixture.environment.remove("PLACEHOLDER_SECRET_APP_PASSWORD");

        JsonNode drift = invokeJson(fixture.handler(), "{\"command\":\"drift\"}");

        assertThat(drift.get("drift").asBoolean()).as(drift.toString()).isTrue();
        assertThat(drift.get("differences")).singleElement().satisfies(d -> {
            assertThat(d.get("object").asText()).contains("order_statuses_description_idx");
            assertThat(d.get("change").asText()).isEqualTo("added");
        });
        assertThat(drift.get("reference").get("schemaVersion").asText()).isEqualTo("4");
    }

    @Test
    void a_warm_migrator_keeps_the_role_again_only_after_applying_something_or_a_new_secret() throws SQLException {
        Migrator migrator = new Migrator(Settings.fromEnvironment(fixture.environment),
                new CachingSecretSource(new SecretsManagerSource(fixture.secrets::client)), ConnectRetryPolicy.DEFAULT);
        DirectRequest migrate = new DirectRequest(Command.MIGRATE, null, null);
        migrator.run(migrate, Deadline.after(Duration.ofMinutes(1)));
        fixture.database.execute("REVOKE SELECT ON order_statuses FROM \"" + role + "\"");

        migrator.run(migrate, Deadline.after(Duration.ofMinutes(1)));
        assertThat(mayRead("order_statuses")).as("nothing applied, same secret: not kept again").isFalse();

        fixture.migration("V5__loyalty.sql", "CREATE TABLE loyalty (customer_id bigint PRIMARY KEY);");
        migrator.run(migrate, Deadline.after(Duration.ofMinutes(1)));
        assertThat(mayRead("order_statuses")).as("a migration applied: kept again").isTrue();
    }

    @Test
    void a_warm_migrator_that_stores_a_new_drift_reference_lets_the_planner_read_it() throws SQLException {
        Migrator migrator = new Migrator(Settings.fromEnvironment(fixture.environment),
                new CachingSecretSource(new SecretsManagerSource(fixture.secrets::client)), ConnectRetryPolicy.DEFAULT);
        DirectRequest migrate = new DirectRequest(Command.MIGRATE, null, null);
        migrator.run(migrate, Deadline.after(Duration.ofMinutes(1)));
        // As after a migrate that could not store it: the next one, with nothing to apply, stores it anew.
        fixture.database.execute("DROP TABLE " + SchemaReference.TABLE);

        migrator.run(migrate, Deadline.after(Duration.ofMinutes(1)));

        assertThat(mayRead(SchemaReference.TABLE)).as("the new reference table is readable by the planner").isTrue();
    }

    @Test
    void without_the_planner_secret_no_role_is_made() throws SQLException {
        fixture.environment.remove(Settings.PLANNER_SECRET_VARIABLE);

        invokeJson(fixture.handler(), "{\"command\":\"migrate\"}");

        try (Connection owner = fixture.database.connect()) {
            assertThat(exists(owner)).isFalse();
        }
    }

    private void plannerPassword(String password) {
        fixture.secrets.putSecret(PLANNER_SECRET, Json.MAPPER.valueToTree(Map.of(
                "username", role, "password", password, "host", fixture.database.host(),
                "port", fixture.database.port(), "dbname", fixture.database.databaseName())).toString());
    }

    private boolean mayRead(String table) throws SQLException {
        try (Connection owner = fixture.database.connect();
             var query = owner.prepareStatement("SELECT has_table_privilege(?, ?, 'SELECT')")) {
            query.setString(1, role);
            query.setString(2, table);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private Connection plannerConnection(String password) throws SQLException {
        return DriverManager.getConnection(fixture.database.jdbcUrl(), role, password);
    }

    private boolean exists(Connection connection) throws SQLException {
        try (var query = connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            query.setString(1, role);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static long count(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
