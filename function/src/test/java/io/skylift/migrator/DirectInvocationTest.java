package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invoke;
import static io.skylift.migrator.MigratorFixture.invokeJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.testkit.LambdaContext;
import io.skylift.migrator.testkit.PostgresExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({PostgresExtension.class, MigratorFixtureExtension.class})
class DirectInvocationTest {
    private MigratorFixture fixture;

    @BeforeEach
    void setUp(MigratorFixture fixture) {
        this.fixture = fixture;
    }

    private static List<String> versions(JsonNode list) {
        List<String> versions = new ArrayList<>();
        list.forEach(m -> versions.add(m.get("version").isNull() ? "R" : m.get("version").asText()));
        return versions;
    }

    @Test
    void migrate_reports_what_it_applied_and_the_new_version() {
        JsonNode result = invokeJson(fixture.handler(), "{\"command\": \"migrate\"}");

        assertThat(result.get("command").asText()).isEqualTo("migrate");
        assertThat(result.get("success").asBoolean()).isTrue();
        assertThat(result.get("schemaVersion").asText()).isEqualTo("4");
        assertThat(result.get("previousSchemaVersion").isNull()).isTrue();
        assertThat(result.get("migrationsApplied").asInt()).isEqualTo(5);
        assertThat(versions(result.get("applied"))).containsExactly("1", "2", "3", "4", "R");
        JsonNode first = result.get("applied").get(0);
        assertThat(first.get("script").asText()).isEqualTo("V1__create_customers.sql");
        assertThat(first.get("description").asText()).isEqualTo("create customers");
        assertThat(first.has("executionTimeMs")).isTrue();
        assertThat(result.get("pending").size()).isZero();
        assertThat(result.get("durationMs").asLong()).isPositive();
    }

    @Test
    void an_empty_payload_migrates_and_a_second_run_is_a_no_op() {
        MigratorHandler handler = fixture.handler();
        invokeJson(handler, "{}");
        JsonNode again = invokeJson(handler, "");
        assertThat(again.get("migrationsApplied").asInt()).isZero();
        assertThat(again.get("schemaVersion").asText()).isEqualTo("4");
        assertThat(again.get("previousSchemaVersion").asText()).isEqualTo("4");
        assertThat(fixture.database.schemaHistory()).hasSize(5);
    }

    @Test
    void migrate_with_a_target_stops_there_and_info_lists_the_rest_as_pending() {
        JsonNode result = invokeJson(fixture.handler(), "{\"command\": \"migrate\", \"target\": \"3\"}");
        assertThat(result.get("schemaVersion").asText()).isEqualTo("3");
        assertThat(versions(result.get("applied"))).as("repeatables follow whatever target").containsExactly("1", "2", "3", "R");

        JsonNode info = invokeJson(fixture.handler(), "{\"command\": \"info\"}");
        assertThat(info.get("command").asText()).isEqualTo("info");
        assertThat(info.get("schemaVersion").asText()).isEqualTo("3");
        assertThat(versions(info.get("applied"))).containsExactly("1", "2", "3", "R");
        assertThat(versions(info.get("pending"))).containsExactly("4");
        assertThat(info.get("migrationsApplied").asInt()).isZero();
    }

    @Test
    void info_on_an_empty_database_has_no_version() {
        JsonNode info = invokeJson(fixture.handler(), "{\"command\": \"info\"}");
        assertThat(info.get("schemaVersion").isNull()).isTrue();
        assertThat(info.get("applied").size()).isZero();
        assertThat(info.get("pending").size()).isEqualTo(5);
    }

    @Test
    void a_failing_migration_fails_the_invocation_naming_the_migration_and_the_database_error() {
        fixture.migration("V5__add_loyalty_points.sql", "ALTER TABLE customers ADD COLUMN points int;\n"
                + "UPDATE customers SET points = 'many';");
        assertThatThrownBy(() -> invoke(fixture.handler(), "{\"command\": \"migrate\"}", LambdaContext.generous()))
                .isInstanceOf(InvocationFailedException.class)
                .hasMessageContaining("V5 (V5__add_loyalty_points.sql)")
                .hasMessageContaining("invalid input syntax for type integer")
                .hasMessageContaining("22P02")
                .hasNoCause();
        assertThat(fixture.database.query("SELECT column_name FROM information_schema.columns "
                + "WHERE table_name = 'customers' AND column_name = 'points'")).as("V5 rolled back").isEmpty();
    }

    @Test
    void a_changed_migration_fails_validation_naming_the_file_and_repair_accepts_it() {
        MigratorHandler handler = fixture.handler();
        invokeJson(handler, "{}");
        fixture.migration("V2__create_order_statuses.sql", "-- edited after it was applied\n"
                + "CREATE TABLE order_statuses (code text PRIMARY KEY, description text NOT NULL, "
                + "is_final boolean NOT NULL DEFAULT false);");

        assertThatThrownBy(() -> invoke(handler, "{\"command\": \"validate\"}", LambdaContext.generous()))
                .hasMessageContaining("V2 (V2__create_order_statuses.sql) was changed")
                .hasMessageContaining("repair");
        assertThatThrownBy(() -> invoke(handler, "{\"command\": \"migrate\"}", LambdaContext.generous()))
                .hasMessageContaining("V2 (V2__create_order_statuses.sql) was changed");

        JsonNode repaired = invokeJson(handler, "{\"command\": \"repair\"}");
        assertThat(repaired.get("command").asText()).isEqualTo("repair");
        assertThat(repaired.get("messages").toString()).contains("checksum");
        JsonNode validated = invokeJson(handler, "{\"command\": \"validate\"}");
        assertThat(validated.get("success").asBoolean()).isTrue();
    }

    @Test
    void baseline_marks_an_existing_schema_at_the_given_version() throws Exception {
        // A database made before Flyway: V1-V3's tables exist, made by the owner, with no schema history.
        try (var connection = fixture.database.connect(); var statement = connection.createStatement()) {
            for (String script : List.of("V1__create_customers.sql", "V2__create_order_statuses.sql",
                    "V3__create_orders.sql")) {
                statement.execute(java.nio.file.Files.readString(MigratorFixture.REPOSITORY_MIGRATIONS.resolve(script)));
            }
        }
        JsonNode result = invokeJson(fixture.handler(), "{\"command\": \"baseline\", \"baselineVersion\": \"3\"}");
        assertThat(result.get("command").asText()).isEqualTo("baseline");
        assertThat(result.get("schemaVersion").asText()).isEqualTo("3");
        JsonNode migrated = invokeJson(fixture.handler(), "{\"command\": \"migrate\"}");
        assertThat(versions(migrated.get("applied"))).as("only what is above the baseline").containsExactly("4", "R");
    }

    @Test
    void an_unknown_command_fails_and_lists_the_valid_ones() {
        assertThatThrownBy(() -> invoke(fixture.handler(), "{\"command\": \"clean\"}", LambdaContext.generous()))
                .isInstanceOf(InvocationFailedException.class)
                .hasMessageContaining("Unknown command 'clean'")
                .hasMessageContaining("migrate, info, validate, repair, baseline");
        assertThat(fixture.database.tableExists("public", "flyway_schema_history")).isFalse();
    }

    @Test
    void malformed_json_fails_with_a_clear_message() {
        assertThatThrownBy(() -> invoke(fixture.handler(), "{command: migrate}", LambdaContext.generous()))
                .isInstanceOf(InvocationFailedException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void the_application_role_gets_its_password_from_its_own_secret() throws Exception {
        invokeJson(fixture.handler(), "{}");
        String role = fixture.database.databaseName() + "_app";
        try (var connection = java.sql.DriverManager.getConnection(fixture.database.jdbcUrl(), role,
                MigratorFixture.APP_PASSWORD);
             var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT count(*) FROM order_statuses")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(5);
        }
    }

    @Test
    void the_results_messages_pass_the_redactor() {
        var report = io.skylift.migrator.migration.MigrationReport.builder("repair").previousSchemaVersion("4")
                .schemaVersion("4").messages(List.of("Repaired a statement with 'app-S3cret-value' in it")).durationMs(12)
                .build();
        String json = MigratorHandler.resultJson(report, Redactor.none().with("app-S3cret-value"));
        assertThat(json).contains("Repaired a statement with '****' in it").doesNotContain("app-S3cret-value");
    }
}
