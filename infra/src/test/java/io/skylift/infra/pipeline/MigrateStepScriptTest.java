package io.skylift.infra.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.skylift.infra.pipeline.AwsCliStandIn.Run;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
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
    private static final String INFO = info("4", "[]");
    private static final String INFO_WITH_PENDING = info("4",
            "[{\"version\":\"5\",\"description\":\"next\",\"script\":\"V5__next.sql\"}]");

    @TempDir
    static Path bin;
    private static AwsCliStandIn aws;

    @TempDir
    Path work;

    /** The commit's migrations: V1 to V4 (one in a subfolder) and a repeatable one. */
    @BeforeEach
    void checkout() throws IOException {
        migrations("V1__create_customers.sql", "V2__create_order_statuses.sql", "sub/V3__create_orders.sql",
                "V4__create_app_role.sql", "R__customer_order_totals.sql");
    }

    private static String info(String schemaVersion, String pending) {
        return "{\"command\":\"info\",\"success\":true,\"schemaVersion\":"
                + (schemaVersion == null ? "null" : "\"" + schemaVersion + "\"") + ","
                + "\"applied\":[{\"version\":\"1\",\"description\":\"create customers\",\"script\":\"V1__create_customers.sql\","
                + "\"state\":\"Success\",\"installedOn\":\"2026-01-02T03:04:05Z\"},{\"version\":null,\"description\":\"totals\","
                + "\"script\":\"R__customer_order_totals.sql\",\"state\":\"Success\",\"installedOn\":\"2026-01-02T03:04:06Z\"}],"
                + "\"pending\":" + pending + ",\"durationMs\":40}";
    }

    private void migrations(String... names) throws IOException {
        for (String name : names) {
            Path file = work.resolve("migrations").resolve(name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "SELECT 1;\n");
        }
    }

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
                "Pending: 0", "Schema version 4 is the highest of migrations/ and nothing is pending");
        List<String> calls = run.calls();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0)).isEqualTo("lambda invoke --region eu-west-1 --function-name " + ARN
                + " --cli-binary-format raw-in-base64-out --cli-read-timeout 660"
                + " --payload {\"command\":\"migrate\"} migrate.json");
        assertThat(calls.get(1)).contains("--payload {\"command\":\"info\"} info.json");
    }

    @Test
    void anything_still_pending_fails_the_step_after_printing_the_history() throws Exception {
        Run run = run(OK, MIGRATED, OK, INFO_WITH_PENDING);

        assertThat(run.exit()).as(run.toString()).isNotZero();
        assertThat(run.stdout()).contains("Pending: 1", "  5  V5__next.sql");
        assertThat(run.stderr()).contains("The schema is not where this commit says: version 4, expected 4",
                "1 pending");
    }

    @Test
    void a_schema_below_the_highest_version_of_the_commit_fails_the_step() throws Exception {
        migrations("V5__add_loyalty.sql");

        Run run = run(OK, MIGRATED, OK, INFO);

        assertThat(run.exit()).as(run.toString()).isNotZero();
        assertThat(run.stderr()).contains("version 4, expected 5 (the highest version in migrations/), 0 pending");
    }

    @Test
    void versions_compare_as_flyway_orders_them() throws Exception {
        // 1.10 comes after 1.9, 1.9 after 1.2.1, and 2.0 is 2: the highest is 1.10 written with an underscore.
        migrations("V1_2_1__a.sql", "V1_9__b.sql", "V1_10__c.sql");
        Path four = work.resolve("migrations/V4__create_app_role.sql");
        Files.delete(four);
        Files.delete(work.resolve("migrations/sub/V3__create_orders.sql"));
        Files.delete(work.resolve("migrations/V2__create_order_statuses.sql"));
        Files.delete(work.resolve("migrations/V1__create_customers.sql"));

        assertThat(run(OK, MIGRATED, OK, info("1.10", "[]")).exit()).as("at the highest").isZero();
        assertThat(run(OK, MIGRATED, OK, info("1.9", "[]")).exit()).as("1.9 < 1.10").isNotZero();

        migrations("V2_0__d.sql");
        assertThat(run(OK, MIGRATED, OK, info("2", "[]")).exit()).as("2.0 is 2").isZero();
    }

    @Test
    void a_commit_without_versioned_migrations_expects_an_empty_schema() throws Exception {
        for (String name : new String[] {"V1__create_customers.sql", "V2__create_order_statuses.sql",
                "sub/V3__create_orders.sql", "V4__create_app_role.sql"}) {
            Files.delete(work.resolve("migrations").resolve(name));
        }

        assertThat(run(OK, MIGRATED, OK, info(null, "[]")).exit()).isZero();
        assertThat(run(OK, MIGRATED, OK, info("1", "[]")).stderr()).contains("version 1, expected none");
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
