package io.skylift.infra.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skylift.infra.pipeline.AwsCliStandIn.Run;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the plan step's commands in a checkout holding {@code migrations/} with the {@link AwsCliStandIn}, which keeps
 * the payload file it was given and answers like {@code aws lambda invoke} (status on stdout, result in the file) or
 * fails like it (message on stderr, exit 254).
 */
class PlanStepScriptTest {

    private static final String ARN = "arn:aws:lambda:us-east-1:222222222222:function:skylift-prod-planner";
    private static final String OK = "{\"StatusCode\":200,\"ExecutedVersion\":\"$LATEST\"}";
    private static final String FUNCTION_ERROR =
            "{\"StatusCode\":200,\"FunctionError\":\"Unhandled\",\"ExecutedVersion\":\"$LATEST\"}";
    private static final String PLAN = """
            {"command":"plan","success":true,"schemaVersion":"4","previousSchemaVersion":"4","migrationsApplied":0,
             "applied":[],"pending":[{"version":"5","description":"add note","script":"V5__add_note.sql",
             "type":"SQL","state":"Pending","executionTimeMs":null,"installedOn":null,"checksum":-1143425325}],
             "messages":["1 migration(s) would be applied"],"changed":[],"failed":[],
             "findings":[{"rule":"drop-column","severity":"warning","script":"V5__add_note.sql","line":3,
             "message":"DROP COLUMN legacy deletes its data in orders"}],"durationMs":380}""";
    private static final String CHANGED = """
            {"command":"plan","success":false,"schemaVersion":"4","pending":[],"messages":[],
             "changed":[{"version":"2","script":"V2__create_order_statuses.sql","error":"CHECKSUM_MISMATCH",
             "message":"Migration checksum mismatch"}],"failed":[],"findings":[],"durationMs":200}""";

    private static final String NO_DRIFT = """
            {"command":"drift","success":true,"schemaVersion":"4","drift":false,"differences":[],"note":null,
             "reference":{"schemaVersion":"4","takenAt":"2026-12-01T06:00:00Z"},"durationMs":40}""";
    private static final String DRIFT = """
            {"command":"drift","success":true,"schemaVersion":"4","drift":true,"differences":[
             {"object":"column public.orders.currency","change":"changed",
              "detail":"default was 'EUR'::bpchar, now 'USD'::bpchar"},
             {"object":"index public.orders_status_idx","change":"added",
              "detail":"not in the reference: definition CREATE INDEX orders_status_idx ON public.orders USING btree (status)"}],
             "note":null,"reference":{"schemaVersion":"4","takenAt":"2026-12-01T06:00:00Z"},"durationMs":52}""";
    /** The first 16 hex digits of the SHA-256 of {@code jq -cS .differences} of {@link #DRIFT}. */
    private static final String DRIFT_ID = driftId(DRIFT);

    @TempDir
    static Path bin;
    private static AwsCliStandIn aws;

    @TempDir
    Path work;

    @BeforeAll
    static void installAwsStandIn() throws IOException {
        aws = AwsCliStandIn.install(bin,
                "case \"$payload\" in fileb://drift-request.json) cp drift-request.json \"$DRIFT_SENT\";"
                        + " printf '%s' \"$DRIFT_RESULT\" > \"$out\"; printf '%s\\n' \"$DRIFT_STATUS\"; exit 0 ;; esac",
                "case \"$payload\" in fileb://*) cp \"${payload#fileb://}\" \"$SENT\" ;; *) echo 'not a file payload' >&2; exit 2 ;; esac",
                "if [ -n \"$AWS_FAILURE\" ]; then echo \"$AWS_FAILURE\" >&2; exit 254; fi",
                "printf '%s' \"$RESULT\" > \"$out\"; printf '%s\\n' \"$STATUS\"");
    }

    @BeforeEach
    void checkout() throws IOException {
        Files.createDirectories(work.resolve("migrations/later"));
        Files.writeString(work.resolve("migrations/V1__create_orders.sql"), "CREATE TABLE orders (id int);\n");
        Files.writeString(work.resolve("migrations/later/V5__add_note.sql"),
                "-- a \"quoted\" comment with a backslash \\ and a tab\t\nALTER TABLE orders ADD COLUMN note text;\n");
        Files.writeString(work.resolve("migrations/README.txt"), "not a migration");
        Files.writeString(work.resolve("migrations/later/V5__add_note.sql.conf"), "executeInTransaction=false\n");
        Files.writeString(work.resolve("migrations/beforeMigrate.sql"), "SET lock_timeout = '5s';\n");
    }

    /** The migrations the step sent: the payload's {@code migrationsGzip}, decoded. */
    private JsonNode sentMigrations() throws IOException {
        JsonNode sent = new ObjectMapper().readTree(work.resolve("sent.json").toFile());
        assertThat(sent.get("command").asText()).isEqualTo("plan");
        assertThat(sent.has("migrations")).as("the list travels compressed").isFalse();
        byte[] gzip = Base64.getDecoder().decode(sent.get("migrationsGzip").asText());
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void the_commits_migration_files_go_in_the_payload_and_the_plan_is_printed() throws Exception {
        Run run = run(OK, PLAN, null);

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.stdout()).contains(
                "Plan for prod (" + ARN + "): what this commit would apply to its database; nothing is changed."
                        + " 3 migration file(s) sent.",
                "Not sent (plan judges versioned and repeatable migrations only): beforeMigrate.sql",
                "Schema version now: 4", "Pending (1):", "  5  V5__add_note.sql  checksum -1143425325",
                "Changed since applied (0):", "Failed (0):", "Findings (1):",
                "  V5__add_note.sql:3: warning drop-column: DROP COLUMN legacy deletes its data in orders", "Plan: OK");
        JsonNode migrations = sentMigrations();
        assertThat(migrations).extracting(m -> m.get("script").asText()).containsExactly("V1__create_orders.sql",
                "later/V5__add_note.sql", "later/V5__add_note.sql.conf");
        assertThat(migrations.get(1).get("content").asText())
                .isEqualTo(Files.readString(work.resolve("migrations/later/V5__add_note.sql")));
        assertThat(migrations.get(2).get("content").asText()).isEqualTo("executeInTransaction=false\n");
        assertThat(run.calls()).containsExactly("lambda invoke --region us-east-1 --function-name " + ARN
                + " --cli-read-timeout 660 --payload fileb://plan-request.json plan.json",
                "lambda invoke --region us-east-1 --function-name " + ARN
                        + " --cli-read-timeout 660 --payload fileb://drift-request.json drift.json");
        assertThat(run.stdout()).contains("Drift of prod's schema from what its migrations left: none");
    }

    @Test
    void drift_is_shown_with_every_difference_and_fails_the_step_naming_the_override() throws Exception {
        Run run = run(OK, PLAN, null, DRIFT, null);

        assertThat(run.exit()).as(run.toString()).isNotZero();
        assertThat(run.stdout()).contains("Plan: OK",
                "Drift of prod's schema from what its migrations left: 2 difference(s), drift id " + DRIFT_ID,
                "  added index public.orders_status_idx: not in the reference: definition CREATE INDEX"
                        + " orders_status_idx ON public.orders USING btree (status)",
                "  changed column public.orders.currency: default was 'EUR'::bpchar, now 'USD'::bpchar");
        assertThat(run.stderr()).contains("prod's schema drifted from its migrations",
                "set context key prodAcceptedDrift to " + DRIFT_ID);
        assertThat(new ObjectMapper().readTree(work.resolve("drift-sent.json").toFile()).toString())
                .isEqualTo("{\"command\":\"drift\"}");
    }

    @Test
    void the_drift_an_operator_accepted_passes_and_any_other_still_fails() throws Exception {
        Run accepted = run(OK, PLAN, null, DRIFT, DRIFT_ID);
        assertThat(accepted.exit()).as(accepted.toString()).isZero();
        assertThat(accepted.stdout()).contains("Drift " + DRIFT_ID + " accepted by the operator (context key"
                + " prodAcceptedDrift)");

        Run other = run(OK, PLAN, null, DRIFT.replace("'USD'", "'GBP'"), DRIFT_ID);
        assertThat(other.exit()).as("another drift than the accepted one: " + other).isNotZero();
        assertThat(other.stderr()).contains("prod's schema drifted");
    }

    @Test
    void a_plan_that_would_fail_and_drift_are_both_printed_before_the_step_fails() throws Exception {
        Run run = run(OK, CHANGED, null, DRIFT, null);

        assertThat(run.exit()).as(run.toString()).isNotZero();
        assertThat(run.stdout()).contains("Plan: PROBLEMS (see above)", "2 difference(s)");
        assertThat(run.stderr()).contains("migrate would fail on this database");
    }

    @Test
    void no_reference_yet_is_shown_as_no_drift_with_its_note() throws Exception {
        Run run = run(OK, PLAN, null, "{\"command\":\"drift\",\"success\":true,\"drift\":false,"
                + "\"differences\":[],\"note\":\"no reference yet; taken at the next migrate (or repair)\"}", null);

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.stdout()).contains("Drift of prod's schema from what its migrations left: none (no reference"
                + " yet; taken at the next migrate (or repair))");
    }

    @Test
    void a_planner_that_predates_the_drift_command_gives_a_notice_not_a_failure() throws Exception {
        Run olderImage = runWithDriftStatus(FUNCTION_ERROR, "{\"errorMessage\":\"[INVALID_INVOCATION] Unknown command"
                + " 'drift': valid commands are migrate, info\"}");
        Run olderCommands = runWithDriftStatus(FUNCTION_ERROR, "{\"errorMessage\":\"[COMMAND_NOT_ALLOWED] Command"
                + " 'drift' is not accepted by this function: it accepts info, validate, plan, lint (SKYLIFT_COMMANDS)\"}");

        for (Run run : List.of(olderImage, olderCommands)) {
            assertThat(run.exit()).as(run.toString()).isZero();
            assertThat(run.stdout()).contains("none (prod's planner predates the drift command (this promotion brings"
                    + " it))");
        }
    }

    @Test
    void a_drift_check_that_fails_fails_the_step() throws Exception {
        Run run = runWithDriftStatus(FUNCTION_ERROR, "{\"errorMessage\":\"[DRIFT_UNREADABLE] drift could not read"
                + " ...\"}");

        assertThat(run.exit()).as(run.toString()).isNotZero();
        assertThat(run.stdout()).contains("DRIFT_UNREADABLE");
        assertThat(run.stderr()).contains("The drift check failed (FunctionError)");
    }

    @Test
    void a_plan_saying_migrate_would_fail_fails_the_step_after_printing_it() throws Exception {
        Run run = run(OK, CHANGED, null);

        assertThat(run.exit()).as(run.toString()).isNotZero();
        assertThat(run.stdout()).contains("Changed since applied (1):",
                "  2  V2__create_order_statuses.sql  CHECKSUM_MISMATCH", "Plan: PROBLEMS (see above)");
        assertThat(run.stderr()).contains("migrate would fail on this database");
    }

    @Test
    void any_other_function_error_fails_the_step() throws Exception {
        Run run = run(FUNCTION_ERROR, "{\"errorMessage\":\"Could not connect to db:5432 after 4 attempt(s)\"}", null);

        assertThat(run.exit()).as(run.toString()).isNotZero();
        assertThat(run.stdout()).contains("Could not connect");
        assertThat(run.stderr()).contains("The plan failed (FunctionError)");
    }

    @Test
    void a_stage_without_a_planner_yet_gives_a_no_plan_notice_not_a_blocked_pipeline() throws Exception {
        // The first deploy, or a migrator that predates the planner, in the pipeline's account.
        Run run = run(OK, PLAN, "An error occurred (ResourceNotFoundException) when calling the Invoke operation:"
                + " Function not found: " + ARN);

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.stdout()).contains("NO PLAN: prod has no planner yet: its first deploy, or a migrator that"
                        + " predates the planner (this promotion brings it)",
                "  V1__create_orders.sql", "  later/V5__add_note.sql");
    }

    @Test
    void a_stage_in_another_account_without_a_planner_yet_gives_the_same_notice() throws Exception {
        // Another account answers a function that does not exist as one whose (absent) resource policy refuses.
        Run run = run(OK, PLAN, "An error occurred (AccessDeniedException) when calling the Invoke operation: User:"
                + " arn:aws:sts::111111111111:assumed-role/skylift-prod-plan-step/AWSCodeBuild is not authorized to"
                + " perform: lambda:InvokeFunction on resource: " + ARN + " because no resource-based policy allows"
                + " the lambda:InvokeFunction action");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.stdout()).contains("NO PLAN: prod has no planner yet");
    }

    @Test
    void a_refused_invocation_fails_the_step() throws Exception {
        Run run = run(OK, PLAN, "An error occurred (AccessDeniedException) when calling the Invoke operation");

        assertThat(run.exit()).as(run.toString()).isNotZero();
        assertThat(run.stderr()).contains("AccessDeniedException", "Could not invoke the planner");
    }

    private Run run(String status, String result, String awsFailure) throws Exception {
        return run(status, result, awsFailure, NO_DRIFT, null);
    }

    private Run runWithDriftStatus(String driftStatus, String driftResult) throws Exception {
        return run(OK, PLAN, null, driftResult, null, driftStatus);
    }

    private Run run(String status, String result, String awsFailure, String drift, String acceptedDrift)
            throws Exception {
        return run(status, result, awsFailure, drift, acceptedDrift, OK);
    }

    private Run run(String status, String result, String awsFailure, String drift, String acceptedDrift,
                    String driftStatus) throws Exception {
        Map<String, String> values = new HashMap<>(Map.of(
                PlanStep.FUNCTION_ARN_VARIABLE, ARN,
                PlanStep.STAGE_VARIABLE, "prod",
                "READ_TIMEOUT", "660",
                "SENT", work.resolve("sent.json").toString(),
                "STATUS", status, "RESULT", result));
        values.put("DRIFT_SENT", work.resolve("drift-sent.json").toString());
        values.put("DRIFT_STATUS", driftStatus);
        values.put("DRIFT_RESULT", drift);
        if (acceptedDrift != null) {
            values.put(DriftGate.ACCEPTED_VARIABLE, acceptedDrift);
        }
        if (awsFailure != null) {
            values.put("AWS_FAILURE", awsFailure);
        }
        return aws.run(PlanStep.commands(), work, values);
    }

    /** The drift id as the step computes it, computed here with Jackson and the JDK: sorted keys, compact. */
    private static String driftId(String driftJson) {
        try {
            ObjectMapper sorted = new ObjectMapper()
                    .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
            Object differences = sorted.readValue(driftJson, Map.class).get("differences");
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(
                    (sorted.writeValueAsString(differences) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
