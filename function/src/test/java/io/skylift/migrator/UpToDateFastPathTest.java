package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invokeJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.testkit.CapturedOutput;
import io.skylift.migrator.testkit.OutputCaptureExtension;
import io.skylift.migrator.testkit.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The no-op deploy through the handler: answered by the schema-history check, with Flyway's own report. */
@ExtendWith({OutputCaptureExtension.class, PostgresExtension.class, MigratorFixtureExtension.class})
class UpToDateFastPathTest {

    @Test
    void a_second_migrate_is_answered_from_the_history_without_flyway_and_reports_as_flyway_did(
            MigratorFixture fixture, CapturedOutput output) {
        MigratorHandler handler = fixture.handler();
        invokeJson(handler, "{\"command\":\"migrate\"}");
        JsonNode flywayNoOp = invokeJson(fixture.handler(), "{\"command\":\"migrate\",\"target\":\"4\"}");

        JsonNode fast = invokeJson(handler, "{\"command\":\"migrate\"}");

        assertThat(output.all()).contains("up to date at version 4 (checked without Flyway)");
        assertThat(fast.get("migrationsApplied").asInt()).isZero();
        for (String field : new String[] {"command", "success", "schemaVersion", "previousSchemaVersion",
                "migrationsApplied", "applied", "pending", "messages"}) {
            assertThat(fast.get(field)).as(field).isEqualTo(flywayNoOp.get(field));
        }
        assertThat(fixture.database.schemaHistory()).hasSize(5);
    }

    @Test
    void a_new_migration_in_the_image_goes_to_flyway_which_applies_it(MigratorFixture fixture,
                                                                      CapturedOutput output) {
        MigratorHandler handler = fixture.handler();
        invokeJson(handler, "{}");
        fixture.migration("V5__add_notes.sql", "ALTER TABLE orders ADD COLUMN notes text;\n");

        JsonNode result = invokeJson(handler, "{}");

        assertThat(output.all()).contains("Running Flyway: 1 versioned migration(s) are pending");
        assertThat(result.get("migrationsApplied").asInt()).isEqualTo(1);
        assertThat(result.get("schemaVersion").asText()).isEqualTo("5");
    }
}
