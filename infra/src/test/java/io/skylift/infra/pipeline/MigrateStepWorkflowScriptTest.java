package io.skylift.infra.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.skylift.infra.pipeline.AwsCliStandIn.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the post-deploy step's workflow commands ({@link MigrateStep#workflowCommands()}) with the {@link AwsCliStandIn}
 * answering like {@code aws stepfunctions}: the execution runs for a few looks, then ends with the output (or the
 * error) the test wrote; its Map Runs list the failed child executions, whose input names the target. Real {@code sh},
 * real {@code jq}, a stand-in {@code aws}: the logic is the shell CodeBuild runs, so the shell is what is tested.
 */
class MigrateStepWorkflowScriptTest {

    private static final String FUNCTION = "arn:aws:lambda:eu-west-1:111111111111:function:skylift-dev-migrator";
    private static final String WORKFLOW = "arn:aws:states:eu-west-1:111111111111:stateMachine:skylift-dev-migrations";
    private static final String EXECUTION = "arn:aws:states:eu-west-1:111111111111:execution:skylift-dev-migrations:r1";
    private static final String MAP_RUN =
            "arn:aws:states:eu-west-1:111111111111:mapRun:skylift-dev-migrations/Targets:m1";
    private static final String INFO = "{\"command\":\"info\",\"success\":true,\"schemaVersion\":\"4\",\"applied\":[],"
            + "\"pending\":[],\"durationMs\":40}";
    /** A Lambda canary and a Fargate target, both done. */
    private static final String OUTPUT = "{\"command\":\"migrate\",\"runner\":\"LAMBDA\","
            + "\"canaryResults\":[{\"command\":\"migrate\",\"runner\":\"LAMBDA\",\"target\":{\"name\":\"eu\"},"
            + "\"result\":{\"payload\":{\"command\":\"migrate\",\"success\":true,\"schemaVersion\":\"4\","
            + "\"migrationsApplied\":2}}}],"
            + "\"results\":[{\"command\":\"migrate\",\"runner\":\"LAMBDA\",\"target\":{\"name\":\"apac\",\"runner\":"
            + "\"FARGATE\"},\"result\":{\"exitCode\":0,\"stoppedReason\":\"Essential container in task exited\","
            + "\"taskArn\":\"arn:aws:ecs:eu-west-1:111111111111:task/c/1\"}},"
            + "{\"Error\":\"Skylift.TargetFailed\",\"Cause\":\"the task exited with status 1\"}]}";

    @TempDir
    static Path bin;
    private static AwsCliStandIn aws;

    @TempDir
    Path work;
    @TempDir
    Path answers;

    @BeforeAll
    static void installAwsStandIn() throws IOException {
        aws = AwsCliStandIn.install(bin,
                "case \"$action\" in",
                "  start-execution) if [ -f \"$ANSWERS/refuse-start\" ]; then cat \"$ANSWERS/refuse-start\" >&2;"
                        + " exit 254; fi; printf '%s' \"$input\" > \"$ANSWERS/started-with\";"
                        + " printf '{\"executionArn\":\"%s\"}\\n' \"$EXECUTION\" ;;",
                "  describe-execution)",
                "    if [ \"$execution\" = \"$EXECUTION\" ]; then",
                "      n=$(cat \"$ANSWERS/looks\" 2>/dev/null || echo 0); n=$((n + 1)); echo \"$n\" > \"$ANSWERS/looks\"",
                "      if [ \"$n\" -lt \"$LOOKS\" ]; then echo '{\"status\":\"RUNNING\"}'; else cat \"$ANSWERS/ended\"; fi",
                "    else cat \"$ANSWERS/child-${execution##*:}\"; fi ;;",
                "  list-map-runs) cat \"$ANSWERS/map-runs\" ;;",
                "  list-executions) cat \"$ANSWERS/failed-${map_run##*:}\" ;;",
                "  '') printf '%s' \"$INFO_RESULT\" > \"$out\"; echo '{\"StatusCode\":200}' ;;",
                "  *) echo \"unexpected call $action\" >&2; exit 2 ;;",
                "esac");
    }

    @BeforeEach
    void checkout() throws IOException {
        Path migration = work.resolve("migrations/V4__create_app_role.sql");
        Files.createDirectories(migration.getParent());
        Files.writeString(migration, "SELECT 1;\n");
        answer("map-runs", "{\"mapRuns\":[{\"mapRunArn\":\"" + MAP_RUN + "\"}]}");
        answer("failed-m1", "{\"executions\":[]}");
    }

    private void answer(String name, String json) throws IOException {
        Files.writeString(answers.resolve(name), json);
    }

    private Run run() throws Exception {
        return aws.run(MigrateStep.workflowCommands(), work, Map.of(
                MigrateStep.FUNCTION_ARN_VARIABLE, FUNCTION,
                WorkflowRun.WORKFLOW_ARN_VARIABLE, WORKFLOW,
                WorkflowRun.POLL_SECONDS_VARIABLE, "0",
                "READ_TIMEOUT", "660",
                "EXECUTION", EXECUTION,
                "LOOKS", "3",
                "ANSWERS", answers.toString(),
                "INFO_RESULT", INFO));
    }

    private static String ended(String status, String rest) {
        return "{\"executionArn\":\"" + EXECUTION + "\",\"status\":\"" + status + "\"" + rest + "}";
    }

    private static String quoted(String json) {
        return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Test
    void a_succeeded_execution_passes_after_waiting_and_prints_each_target() throws Exception {
        answer("ended", ended("SUCCEEDED", ",\"output\":" + quoted(OUTPUT)));

        Run run = run();

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(Files.readString(answers.resolve("looks")).trim()).as("it waited while RUNNING").isEqualTo("3");
        assertThat(Files.readString(answers.resolve("started-with"))).isEqualTo("{\"command\":\"migrate\"}");
        assertThat(run.stdout()).contains("The workflow ended SUCCEEDED",
                "  eu  LAMBDA  ok  version 4  applied 2",
                "  apac  FARGATE  ok  exit 0",
                "Every target migrated",
                "Schema version 4 is the highest of migrations/ and nothing is pending");
        assertThat(run.calls().getFirst()).startsWith("stepfunctions start-execution --region eu-west-1"
                + " --state-machine-arn " + WORKFLOW);
        assertThat(run.calls().getLast()).as("then the history, from the migrator").startsWith("lambda invoke");
    }

    @Test
    void failures_within_the_tolerance_pass_and_are_listed_by_name_with_their_cause() throws Exception {
        answer("ended", ended("SUCCEEDED", ",\"output\":" + quoted(OUTPUT)));
        answer("failed-m1", "{\"executions\":[{\"executionArn\":\"" + EXECUTION + "/Targets:c7\"}]}");
        answer("child-c7", "{\"status\":\"FAILED\",\"input\":" + quoted("{\"target\":{\"name\":\"us\"}}")
                + ",\"error\":\"Skylift.TargetFailed\",\"cause\":\"the task exited with status 1: Essential container"
                + " in task exited\"}");

        Run run = run();

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.stdout()).contains("Failed targets:",
                "  us  failed  the task exited with status 1: Essential container in task exited",
                "the 1 that failed are within the workflow's tolerance");
    }

    @Test
    void failures_beyond_the_tolerance_fail_the_step_with_the_failed_targets_and_the_redrive_hint() throws Exception {
        answer("ended", ended("FAILED", ",\"error\":\"States.ExceedToleratedFailureThreshold\","
                + "\"cause\":\"The specified tolerated failure threshold was exceeded\""));
        answer("failed-m1", "{\"executions\":[{\"executionArn\":\"" + EXECUTION + "/Targets:c7\"},"
                + "{\"executionArn\":\"" + EXECUTION + "/Targets:c8\"}]}");
        answer("child-c7", "{\"input\":" + quoted("{\"target\":{\"name\":\"us\"}}") + ",\"cause\":\"V5 failed\"}");
        answer("child-c8", "{\"input\":" + quoted("{\"target\":{\"name\":\"sa\"}}") + ",\"error\":\"States.Timeout\"}");

        Run run = run();

        assertThat(run.exit()).as(run.toString()).isNotZero();
        assertThat(run.stdout()).contains("The workflow ended FAILED", "  us  failed  V5 failed",
                "  sa  failed  States.Timeout");
        assertThat(run.stderr()).contains("The workflow did not succeed (FAILED): "
                + "States.ExceedToleratedFailureThreshold", "redrive-execution");
        assertThat(run.calls()).as("no history after a failed workflow").noneMatch(c -> c.startsWith("lambda"));
    }

    @Test
    void an_aborted_or_timed_out_execution_fails_the_step() throws Exception {
        for (String status : new String[] {"ABORTED", "TIMED_OUT"}) {
            Files.deleteIfExists(answers.resolve("looks"));
            answer("ended", ended(status, ""));

            Run run = run();

            assertThat(run.exit()).as(status + ": " + run).isNotZero();
            assertThat(run.stderr()).contains("did not succeed (" + status + ")");
        }
    }

    @Test
    void a_start_that_is_refused_fails_the_step_before_waiting() throws Exception {
        answer("refuse-start", "An error occurred (AccessDeniedException) when calling the StartExecution operation");

        Run run = run();

        assertThat(run.exit()).as(run.toString()).isNotZero();
        assertThat(run.stderr()).contains("AccessDeniedException");
        assertThat(run.calls()).hasSize(1);
    }
}
