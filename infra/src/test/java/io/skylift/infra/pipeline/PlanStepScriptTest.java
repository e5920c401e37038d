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

    @TempDir
    static Path bin;
    private static AwsCliStandIn aws;

    @TempDir
    Path work;

    @BeforeAll
    static void installAwsStandIn() throws IOException {
        aws = AwsCliStandIn.install(bin,
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
                + " --cli-read-timeout 660 --payload fileb://plan-request.json plan.json");
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
        Map<String, String> values = new HashMap<>(Map.of(
                PlanStep.FUNCTION_ARN_VARIABLE, ARN,
                PlanStep.STAGE_VARIABLE, "prod",
                "READ_TIMEOUT", "660",
                "SENT", work.resolve("sent.json").toString(),
                "STATUS", status, "RESULT", result));
        if (awsFailure != null) {
            values.put("AWS_FAILURE", awsFailure);
        }
        return aws.run(PlanStep.commands(), work, values);
    }
}
