package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invoke;
import static io.skylift.migrator.MigratorFixture.invokeJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.database.ReadOnlySessions;
import io.skylift.migrator.testkit.LambdaContext;
import io.skylift.migrator.testkit.PostgresExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code plan} on an empty, a partial and a current database: what migrate would do, with the schema history (and
 * whether it exists at all) the same before and after.
 */
@ExtendWith({PostgresExtension.class, MigratorFixtureExtension.class})
class PlanTest {
    private MigratorFixture fixture;

    @BeforeEach
    void setUp(MigratorFixture fixture) {
        this.fixture = fixture;
    }

    private static List<String> list(JsonNode array, String field) {
        List<String> values = new ArrayList<>();
        array.forEach(m -> values.add(m.get(field).isNull() ? "R" : m.get(field).asText()));
        return values;
    }

    private JsonNode plan() {
        return invokeJson(fixture.handler(), "{\"command\":\"plan\"}");
    }

    @Test
    void on_an_empty_database_everything_is_pending_with_flyways_checksums_and_no_history_table_is_created() {
        assertThat(fixture.database.tableExists("public", "flyway_schema_history")).isFalse();

        JsonNode plan = plan();

        assertThat(fixture.database.tableExists("public", "flyway_schema_history")).as("plan creates nothing").isFalse();
        assertThat(plan.get("command").asText()).isEqualTo("plan");
        assertThat(plan.get("success").asBoolean()).isTrue();
        assertThat(plan.get("schemaVersion").isNull()).isTrue();
        assertThat(list(plan.get("pending"), "version")).containsExactly("1", "2", "3", "4", "R");
        assertThat(plan.get("changed").size()).isZero();
        assertThat(plan.get("failed").size()).isZero();
        assertThat(plan.get("findings").size()).isZero();
        assertThat(plan.get("messages").toString()).contains("5 migration(s) would be applied");

        // The checksums are the ones Flyway then records when it applies the same files.
        invokeJson(fixture.handler(), "{\"command\":\"migrate\"}");
        List<String> recorded = fixture.database.schemaHistory().stream()
                .map(row -> String.valueOf(row.get("checksum"))).toList();
        assertThat(list(plan.get("pending"), "checksum")).containsExactlyElementsOf(recorded);
    }

    @Test
    void on_a_partial_database_the_rest_is_pending_and_the_history_is_unchanged() {
        invokeJson(fixture.handler(), "{\"command\":\"migrate\",\"target\":\"3\"}");
        List<Map<String, Object>> before = fixture.database.schemaHistory();

        JsonNode plan = plan();

        assertThat(fixture.database.schemaHistory()).isEqualTo(before);
        assertThat(plan.get("schemaVersion").asText()).isEqualTo("3");
        assertThat(list(plan.get("pending"), "script")).containsExactly("V4__create_app_role.sql");
        assertThat(list(plan.get("applied"), "version")).containsExactly("1", "2", "3", "R");
        assertThat(plan.get("pending").get(0).get("checksum").isInt()).isTrue();
    }

    @Test
    void on_a_current_database_nothing_is_pending_and_the_history_is_unchanged() {
        invokeJson(fixture.handler(), "{\"command\":\"migrate\"}");
        List<Map<String, Object>> before = fixture.database.schemaHistory();

        JsonNode plan = plan();

        assertThat(fixture.database.schemaHistory()).isEqualTo(before);
        assertThat(plan.get("success").asBoolean()).isTrue();
        assertThat(plan.get("schemaVersion").asText()).isEqualTo("4");
        assertThat(plan.get("pending").size()).isZero();
        assertThat(plan.get("messages").toString()).contains("nothing to migrate");
    }

    @Test
    void an_applied_migration_whose_file_changed_is_reported_and_migrate_would_fail() {
        invokeJson(fixture.handler(), "{\"command\":\"migrate\"}");
        fixture.migration("V2__create_order_statuses.sql", "-- edited after it was applied\nSELECT 1;");

        JsonNode plan = plan();

        assertThat(plan.get("success").asBoolean()).isFalse();
        assertThat(plan.get("changed")).hasSize(1);
        JsonNode changed = plan.get("changed").get(0);
        assertThat(changed.get("version").asText()).isEqualTo("2");
        assertThat(changed.get("script").asText()).isEqualTo("V2__create_order_statuses.sql");
        assertThat(changed.get("error").asText()).isEqualTo("CHECKSUM_MISMATCH");
        assertThat(plan.get("messages").toString()).contains("migrate would fail validation");
    }

    @Test
    void a_failed_history_row_is_reported() {
        invokeJson(fixture.handler(), "{\"command\":\"migrate\"}");
        fixture.database.execute("UPDATE flyway_schema_history SET success = false WHERE version = '4'");
        List<Map<String, Object>> before = fixture.database.schemaHistory();

        JsonNode plan = plan();

        assertThat(fixture.database.schemaHistory()).isEqualTo(before);
        assertThat(plan.get("success").asBoolean()).isFalse();
        assertThat(list(plan.get("failed"), "version")).containsExactly("4");
        assertThat(plan.get("messages").toString()).contains("repair");
    }

    @Test
    void findings_are_those_of_the_pending_migrations_only() {
        fixture.migration("V5__index_order_status.sql", "\nCREATE INDEX orders_status_idx ON orders (status);\n");
        invokeJson(fixture.handler(), "{\"command\":\"migrate\",\"target\":\"4\"}");
        // An applied migration with a finding is history, not news.
        fixture.database.execute("UPDATE flyway_schema_history SET script = script WHERE false");

        JsonNode plan = plan();

        assertThat(list(plan.get("pending"), "version")).containsExactly("5");
        assertThat(plan.get("findings")).hasSize(1);
        JsonNode finding = plan.get("findings").get(0);
        assertThat(finding.get("rule").asText()).isEqualTo("create-index-non-concurrent");
        assertThat(finding.get("severity").asText()).isEqualTo("error");
        assertThat(finding.get("script").asText()).isEqualTo("V5__index_order_status.sql");
        assertThat(finding.get("line").asInt()).isEqualTo(2);
        assertThat(finding.get("message").asText()).contains("CONCURRENTLY");
        assertThat(plan.get("success").asBoolean()).as("an error finding").isFalse();
    }

    @Test
    void a_plan_of_the_payloads_migrations_judges_those_instead_of_the_images_and_writes_nothing() throws IOException {
        invokeJson(fixture.handler(), "{\"command\":\"migrate\"}");
        List<Map<String, Object>> before = fixture.database.schemaHistory();
        String payload = "{\"command\":\"plan\",\"migrations\":" + repositoryMigrationsPlus(
                "V5__add_note.sql", "ALTER TABLE orders ADD COLUMN note text NOT NULL;") + "}";

        JsonNode plan = invokeJson(fixture.handler(), payload);

        assertThat(fixture.database.schemaHistory()).isEqualTo(before);
        assertThat(list(plan.get("pending"), "script")).containsExactly("V5__add_note.sql");
        assertThat(list(plan.get("findings"), "rule")).containsExactly("add-column-not-null-no-default");
        assertThat(plan.get("changed").size()).isZero();
        assertThat(fixture.taskRoot.resolve("migrations/V5__add_note.sql")).doesNotExist();
    }

    @Test
    void a_payload_missing_an_applied_migration_shows_it_as_a_problem() throws IOException {
        invokeJson(fixture.handler(), "{\"command\":\"migrate\"}");
        List<Map<String, String>> files = new ArrayList<>();
        for (String script : List.of("V1__create_customers.sql", "V3__create_orders.sql", "V4__create_app_role.sql")) {
            files.add(Map.of("script", script,
                    "content", Files.readString(MigratorFixture.REPOSITORY_MIGRATIONS.resolve(script))));
        }
        String payload = "{\"command\":\"plan\",\"migrations\":" + Json.MAPPER.writeValueAsString(files) + "}";

        JsonNode plan = invokeJson(fixture.handler(), payload);

        // V2 is gone from the files (a later V4 still exists: not a "future" migration of a newer image), and so
        // is the repeatable.
        assertThat(plan.get("changed")).extracting(c -> c.get("error").asText() + ":" + c.get("script").asText())
                .containsExactlyInAnyOrder("APPLIED_VERSIONED_MIGRATION_NOT_RESOLVED:V2__create_order_statuses.sql",
                        "APPLIED_REPEATABLE_MIGRATION_NOT_RESOLVED:R__customer_order_totals.sql");
        assertThat(plan.get("success").asBoolean()).isFalse();
    }

    @Test
    void a_read_only_session_refuses_writes() throws SQLException {
        try (Connection connection = ReadOnlySessions.readOnly(fixture.database.connect());
             Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.execute("CREATE TABLE should_not_exist (id int)"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25006"));
        }
        assertThat(fixture.database.tableExists("public", "should_not_exist")).isFalse();
    }

    @Test
    void migrations_in_the_payload_are_refused_for_other_commands_and_unsafe_paths() {
        assertThatThrownBy(() -> invoke(fixture.handler(),
                "{\"command\":\"migrate\",\"migrations\":[{\"script\":\"V1__x.sql\",\"content\":\"\"}]}",
                LambdaContext.generous())).hasMessageContaining("for plan and lint only");
        assertThatThrownBy(() -> invoke(fixture.handler(),
                "{\"command\":\"plan\",\"migrations\":[{\"script\":\"../V1__x.sql\",\"content\":\"\"}]}",
                LambdaContext.generous())).hasMessageContaining("not a relative path");
        assertThatThrownBy(() -> invoke(fixture.handler(),
                "{\"command\":\"plan\",\"migrations\":[{\"script\":\"V1__x.sql\"}]}",
                LambdaContext.generous())).hasMessageContaining("\"content\"");
        assertThat(fixture.database.tableExists("public", "flyway_schema_history")).isFalse();
    }

    /** The repository's migrations plus one, as the pipeline's plan step sends them. */
    private static String repositoryMigrationsPlus(String script, String content) throws IOException {
        List<Map<String, String>> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(MigratorFixture.REPOSITORY_MIGRATIONS)) {
            for (Path file : list.sorted().toList()) {
                files.add(Map.of("script", file.getFileName().toString(), "content", Files.readString(file)));
            }
        }
        files.add(Map.of("script", script, "content", content));
        return Json.MAPPER.writeValueAsString(files);
    }
}
