package io.skylift.infra.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.skylift.infra.pipeline.AwsCliStandIn.Run;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the post-deploy step's commands with the {@link AwsCliStandIn}, which answers like {@code aws lambda invoke}:
 * the status on stdout, the payload in the file.
 */
class MigrateStepScriptTest {

    private static final String ARN = "arn:aws:lambda:eu-west-1:111111111111:function:skylift-dev-migrator";
    private static final String OK = "{\"StatusCode\":200,\"ExecutedVersion\":\"$LATEST\"}";
    private static final String FUNCTION_ERROR =
            "{\"StatusCode\":200,\"FunctionError\":\"Unhandled\",\"ExecutedVersion\":\"$LATEST\"}";
    private static final String MIGRATED = "{\"command\":\"migrate\",\"success\":true,\"schemaVersion\":\"4\","
            + "\"migrationsApplied\":2,\"applied\":[],\"pending\":[],\"durationMs\":812}";
    private static final String INFO = "{\"command\":\"info\",\"success\":true,\"schemaVersion\":\"4\","
            + "\"applied\":[{\"version\":\"1\",\"description\":\"create customers\",\"script\":\"V1__create_customers.sql\","
            + "\"state\":\"Success\",\"installedOn\":\"2026-01-02T03:04:05Z\"},{\"version\":null,\"description\":\"totals\","
            + "\"script\":\"R__customer_order_totals.sql\",\"state\":\"Success\",\"installedOn\":\"2026-01-02T03:04:06Z\"}],"
            + "\"pending\":[{\"version\":\"5\",\"description\":\"next\",\"script\":\"V5__next.sql\"}],\"durationMs\":40}";

    @TempDir
    static Path bin;
    private static AwsCliStandIn aws;

    @TempDir
    Path work;

    @BeforeAll
    static void installAwsStandIn() throws IOException {
        aws = AwsCliStandIn.install(bin,
                "case \"$payload\" in",
                "  *migrate*) printf '%s' \"$MIGRATE_RESULT\" > \"$out\"; printf '%s\\n' \"$MIGRATE_STATUS\" ;;",
                "  *info*) printf '%s' \"$INFO_RESULT\" > \"$out\"; printf '%s\\n' \"$INFO_STATUS\" ;;",
                "  *) echo \"unexpected payload $payload\" >&2; exit 2 ;;",
                "esac");
    }

    @Test
    void a_successful_migration_passes_and_prints_the_schema_history() throws Exception {
        Run run = run(OK, MIGRATED, OK, INFO);

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.stdout()).contains("Schema version: 4", "History:",
                "  1  Success  2026-01-02T03:04:05Z  V1__create_customers.sql",
                "  R  Success  2026-01-02T03:04:06Z  R__customer_order_totals.sql",
                "Pending: 1", "  5  V5__next.sql");
        List<String> calls = run.calls();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0)).isEqualTo("lambda invoke --region eu-west-1 --function-name " + ARN
                + " --cli-binary-format raw-in-base64-out --cli-read-timeout 660"
                + " --payload {\"command\":\"migrate\"} migrate.json");
        assertThat(calls.get(1)).contains("--payload {\"command\":\"info\"} info.json");
    }

    @Test
    void a_function_error_fails_the_step_before_asking_for_the_history() throws Exception {
        Run run = run(FUNCTION_ERROR,
                "{\"errorMessage\":\"Migration V3__create_orders.sql failed: SQL State 42P07\"}", OK, INFO);

        assertThat(run.exit()).as(run.toString()).isNotZero();
        assertThat(run.stdout()).as("the function's error is shown").contains("V3__create_orders.sql failed");
        assertThat(run.stderr()).contains("FunctionError");
        assertThat(run.calls()).hasSize(1);
    }

    @Test
    void a_result_without_success_true_fails_the_step() throws Exception {
        Run run = run(OK, "{\"command\":\"migrate\",\"success\":false}", OK, INFO);

        assertThat(run.exit()).as(run.toString()).isNotZero();
        assertThat(run.stderr()).contains("did not report success");
    }

    @Test
    void a_result_that_is_not_json_fails_the_step() throws Exception {
        Run run = run(OK, "Task timed out", OK, INFO);

        assertThat(run.exit()).as(run.toString()).isNotZero();
    }

    @Test
    void a_failing_info_fails_the_step() throws Exception {
        Run run = run(OK, MIGRATED, FUNCTION_ERROR, "{\"errorMessage\":\"connection refused\"}");

        assertThat(run.exit()).as(run.toString()).isNotZero();
        assertThat(run.stdout()).contains("connection refused");
        assertThat(run.stderr()).contains("schema history failed");
    }

    private Run run(String migrateStatus, String migrateResult, String infoStatus, String infoResult)
            throws Exception {
        return aws.run(MigrateStep.commands(), work, Map.of(
                MigrateStep.FUNCTION_ARN_VARIABLE, ARN,
                "READ_TIMEOUT", "660",
                "MIGRATE_STATUS", migrateStatus, "MIGRATE_RESULT", migrateResult,
                "INFO_STATUS", infoStatus, "INFO_RESULT", infoResult));
    }
}
