package io.skylift.infra.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.services.iam.PolicyStatement;

/**
 * The post-deploy step's migrate through the stage's {@code MigrationWorkflow} (Step Functions): start an execution
 * with {@code {"command":"migrate"}}, wait for it (the step runs for hours where a Lambda invocation stops at 15
 * minutes), print one line per target, and fail unless the execution succeeded (a target failed beyond the workflow's
 * tolerance, or a canary failed). Shell, as every step of the pipeline: CodeBuild runs it with the {@code aws} CLI and
 * {@code jq} of its standard image, and a test runs the same lines against a stand-in {@code aws}.
 */
final class WorkflowRun {

    /** The environment variable holding the workflow's (state machine's) ARN, from the stage's output. */
    static final String WORKFLOW_ARN_VARIABLE = "MIGRATION_WORKFLOW_ARN";
    /** The environment variable holding the seconds between two looks at the execution. */
    static final String POLL_SECONDS_VARIABLE = "POLL_SECONDS";
    /** Seconds between two {@code describe-execution} calls: 40 calls in 20 minutes, far below any throttle. */
    static final String DEFAULT_POLL_SECONDS = "30";

    // Reads are retried (AWS_MAX_ATTEMPTS is 1 for the step, so that a synchronous invoke never runs twice): a throttled
    // describe-execution must not fail a step that has waited an hour. start-execution is not retried: without a name
    // a second call would start a second execution.
    private static final String READ = "AWS_MAX_ATTEMPTS=5 aws stepfunctions ";

    /**
     * One line per target from an execution's output (canaries first): its name, its runner, then {@code ok} or
     * {@code failed} with the schema version and the migrations applied (the function's result) or the task's exit
     * status. Items without a target (a failed child's error) are left out: the failed targets are listed by name
     * from the Map Runs.
     */
    private static final String TABLE = "(.output // \"{}\") | fromjson | [(.canaryResults // [])[],"
            + " (.results // [])[]] | .[] | select(type == \"object\" and has(\"target\"))"
            + " | (.target.runner // .runner // \"LAMBDA\") as $runner"
            + " | if .result.payload != null then"
            + " \"  \\(.target.name)  \\($runner)  \\(if .result.payload.success == true then \"ok\" else \"failed\" end)"
            + "  version \\(.result.payload.schemaVersion // \"none\")"
            + "  applied \\(.result.payload.migrationsApplied // 0)\""
            + " else \"  \\(.target.name)  \\($runner)  \\(if .result.exitCode == 0 then \"ok\" else \"failed\" end)"
            + "  exit \\(.result.exitCode // \"none\")\" end";

    private WorkflowRun() {
    }

    /** The shell commands (POSIX sh, {@code REGION} already set); each command that exits non-zero fails the step. */
    static List<String> commands() {
        return List.of(
                "echo \"Migrating through the workflow $" + WORKFLOW_ARN_VARIABLE + "\"",
                "aws stepfunctions start-execution --region \"$REGION\" --state-machine-arn \"$" + WORKFLOW_ARN_VARIABLE
                        + "\" --input '{\"command\":\"migrate\"}' > execution.json",
                "EXECUTION_ARN=\"$(jq -r .executionArn execution.json)\"",
                "echo \"Execution $EXECUTION_ARN\"",
                "STATUS=RUNNING",
                "while [ \"$STATUS\" = RUNNING ]; do sleep \"${" + POLL_SECONDS_VARIABLE + ":-" + DEFAULT_POLL_SECONDS
                        + "}\"; " + READ + "describe-execution --region \"$REGION\" --execution-arn \"$EXECUTION_ARN\""
                        + " > execution.json; STATUS=\"$(jq -r .status execution.json)\"; done",
                "echo \"The workflow ended $STATUS. Targets:\"",
                "jq -r '" + TABLE + "' execution.json",
                // The failed targets, by name, with their reason: each Map Run's failed child executions (the canaries'
                // and the others'), whose input names the target and whose cause is the Fail state's.
                READ + "list-map-runs --region \"$REGION\" --execution-arn \"$EXECUTION_ARN\" > map-runs.json",
                "FAILED=0; for MAP_RUN in $(jq -r '.mapRuns[]?.mapRunArn' map-runs.json); do " + READ
                        + "list-executions --region \"$REGION\" --map-run-arn \"$MAP_RUN\" --status-filter FAILED"
                        + " > failed.json; for CHILD in $(jq -r '.executions[]?.executionArn' failed.json); do " + READ
                        + "describe-execution --region \"$REGION\" --execution-arn \"$CHILD\" > child.json;"
                        + " if [ \"$FAILED\" = 0 ]; then echo 'Failed targets:'; fi; FAILED=$((FAILED + 1));"
                        + " jq -r '\"  \\((.input // \"{}\") | fromjson | .target.name // \"?\")  failed"
                        + "  \\(.cause // .error // \"no cause given\")\"' child.json; done; done",
                "if [ \"$STATUS\" != SUCCEEDED ]; then jq -r '\"The workflow did not succeed (\\(.status)):"
                        + " \\(.error // \"\") \\(.cause // \"\")\"' execution.json >&2; echo 'A canary failed, or more"
                        + " targets than the workflow tolerates: the failed targets are listed above; redrive the"
                        + " execution (aws stepfunctions redrive-execution) once they are fixed' >&2; exit 1; fi",
                "echo \"Every target migrated, or the $FAILED that failed are within the workflow's tolerance\"");
    }

    /**
     * What the step may do with the one workflow: start it, read its executions, their Map Runs and child
     * executions, nothing else.
     *
     * @param stateMachineArn the workflow's ARN, as the pipeline's account names it before the stage exists
     * @param executions      its executions and child executions ({@code execution:<name>:*},
     *                        {@code execution:<name>/*})
     * @param mapRuns         its Map Runs ({@code mapRun:<name>/*})
     */
    static List<PolicyStatement> permissions(String stateMachineArn, List<String> executions, List<String> mapRuns) {
        Objects.requireNonNull(stateMachineArn, "stateMachineArn must not be null");
        return List.of(
                PolicyStatement.Builder.create()
                        .actions(List.of("states:StartExecution"))
                        .resources(List.of(stateMachineArn))
                        .build(),
                PolicyStatement.Builder.create()
                        .actions(List.of("states:DescribeExecution", "states:ListMapRuns"))
                        .resources(executions)
                        .build(),
                PolicyStatement.Builder.create()
                        .actions(List.of("states:ListExecutions"))
                        .resources(mapRuns)
                        .build());
    }

    /** The step's environment besides the ARNs: how often it looks at the execution. */
    static Map<String, String> environment() {
        return Map.of(POLL_SECONDS_VARIABLE, DEFAULT_POLL_SECONDS);
    }
}
