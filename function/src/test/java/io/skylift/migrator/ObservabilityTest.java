package io.skylift.migrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.drift.Difference;
import io.skylift.migrator.drift.DriftReport;
import io.skylift.migrator.invocation.Caller;
import io.skylift.migrator.migration.MigrationReport;
import io.skylift.migrator.observability.InvocationLog;
import io.skylift.migrator.observability.InvocationRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObservabilityTest {

    private static List<JsonNode> write(InvocationRecord record) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        new InvocationLog(() -> out, "shop-dev-migrator").write(record);
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).as("one summary line and one metrics line").hasSize(2);
        return List.of(Json.MAPPER.readTree(lines[0]), Json.MAPPER.readTree(lines[1]));
    }

    @Test
    void one_structured_line_says_who_asked_what_happened_and_how_long_it_took() throws Exception {
        JsonNode summary = write(InvocationRecord.builder("req-1", Caller.CLOUDFORMATION)
                .cloudFormation("arn:stack/shop-dev/1", "Update").command("migrate").outcome(ResultStatus.SUCCESS)
                .report(MigrationReport.builder("migrate").previousSchemaVersion("3").schemaVersion("4")
                        .migrationsApplied(1).build())
                .durationMs(842).build()).get(0);
        assertThat(summary.get("requestId").asText()).isEqualTo("req-1");
        assertThat(summary.get("caller").asText()).isEqualTo("cloudformation");
        assertThat(summary.get("stackId").asText()).isEqualTo("arn:stack/shop-dev/1");
        assertThat(summary.get("requestType").asText()).isEqualTo("Update");
        assertThat(summary.get("outcome").asText()).isEqualTo("SUCCESS");
        assertThat(summary.get("previousSchemaVersion").asText()).isEqualTo("3");
        assertThat(summary.get("schemaVersion").asText()).isEqualTo("4");
        assertThat(summary.get("migrationsApplied").asInt()).isEqualTo(1);
        assertThat(summary.get("durationMs").asLong()).isEqualTo(842);
        assertThat(summary.has("error")).isFalse();
    }

    @Test
    void the_metrics_line_is_embedded_metric_format_for_cloudwatch() throws Exception {
        JsonNode metrics = write(InvocationRecord.builder("req-2", Caller.DIRECT).command("migrate")
                .outcome(ResultStatus.FAILED).durationMs(1200).error("MIGRATION_FAILED", "Migration V5 failed").build()).get(1);
        JsonNode directive = metrics.get("_aws").get("CloudWatchMetrics").get(0);
        assertThat(metrics.get("_aws").get("Timestamp").asLong()).isPositive();
        assertThat(directive.get("Namespace").asText()).isEqualTo("Skylift");
        assertThat(directive.get("Dimensions").get(0).get(0).asText()).isEqualTo("FunctionName");
        assertThat(directive.get("Metrics").findValuesAsText("Name"))
                .containsExactly("MigrationsApplied", "MigrationDuration", "MigrationFailed");
        assertThat(metrics.get("FunctionName").asText()).isEqualTo("shop-dev-migrator");
        assertThat(metrics.get("MigrationFailed").asInt()).isEqualTo(1);
        assertThat(metrics.get("MigrationDuration").asLong()).isEqualTo(1200);
        assertThat(metrics.get("MigrationsApplied").asInt()).isZero();
    }

    @Test
    void a_drift_check_adds_its_schema_drift_metric_and_other_commands_do_not() throws Exception {
        List<Difference> differences = List.of(
                new Difference("table public.a", Difference.Change.ADDED, "not in the reference"),
                new Difference("table public.b", Difference.Change.REMOVED, "in the reference only"),
                new Difference("column public.c.d", Difference.Change.CHANGED, "type: integer -> bigint"));
        JsonNode drift = write(InvocationRecord.builder("req-3", Caller.DIRECT).command("drift")
                .outcome(ResultStatus.SUCCESS).durationMs(60)
                .report(MigrationReport.builder("drift").previousSchemaVersion("4").schemaVersion("4")
                        .drift(new DriftReport(true, differences, null, "4", Instant.EPOCH)).build())
                .build()).get(1);
        assertThat(drift.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics").findValuesAsText("Name"))
                .containsExactly("MigrationsApplied", "MigrationDuration", "MigrationFailed", "SchemaDrift");
        assertThat(drift.get("SchemaDrift").asInt()).isEqualTo(3);

        JsonNode migrate = write(InvocationRecord.builder("req-4", Caller.DIRECT).command("migrate")
                .outcome(ResultStatus.SUCCESS).durationMs(60)
                .report(MigrationReport.builder("migrate").previousSchemaVersion("4").schemaVersion("4").build())
                .build()).get(1);
        assertThat(migrate.has("SchemaDrift")).isFalse();
        assertThat(migrate.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics").findValuesAsText("Name"))
                .doesNotContain("SchemaDrift");
    }
}
