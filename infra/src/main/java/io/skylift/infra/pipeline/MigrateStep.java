package io.skylift.infra.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.pipelines.CodeBuildStep;
import software.amazon.awscdk.pipelines.IFileSetProducer;
import io.skylift.infra.config.SkyliftSettings;
import io.skylift.infra.config.StageSettings;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;

/**
 * The post-deploy step of a stage: invokes that stage's migrator with {@code migrate}, fails the
 * pipeline unless the function succeeded, prints the schema history ({@code info}), and fails when anything is still
 * pending or the schema's version is not the highest version of the commit's {@code migrations/}.
 *
 * <p>The custom resource has already migrated during the deploy; this step proves from outside that
 * the schema is where the commit says, and leaves the history in the pipeline's log.
 */
public final class MigrateStep {

    /** The environment variable holding the migrator's ARN, from the stage's output. */
    public static final String FUNCTION_ARN_VARIABLE = "MIGRATOR_FUNCTION_ARN";

    private MigrateStep() {
    }

    /**
     * The step's role's name: fixed, so that a stage in another account can let exactly this role invoke its
     * migrator (a role ARN in a resource policy, not the whole pipeline account).
     */
    public static String roleName(SkyliftSettings settings, StageSettings stage) {
        return settings.namePrefix() + "-" + stage.name() + "-migrate-step";
    }

    /**
     * @param id              step id, unique in the pipeline
     * @param role            the step's CodeBuild role ({@link #roleName}); CDK Pipelines adds its log and
     *                        artifact permissions, this step adds invoking the one function
     * @param source          the commit's files (the pipeline's source): the step reads {@code migrations/} there
     * @param functionArn     the migrator's ARN as the pipeline's account can name it before the stage
     *                        exists (the step's IAM policy allows invoking this function only)
     * @param functionArnOutput the stage's output holding the same ARN, read at run time
     * @param functionTimeout the migrator's timeout: the invocation may take that long
     */
    public static CodeBuildStep create(String id, IRole role, IFileSetProducer source, String functionArn,
            CfnOutput functionArnOutput, Duration functionTimeout) {
        Objects.requireNonNull(role, "role must not be null");
        Objects.requireNonNull(source, "source must not be null");
        Objects.requireNonNull(functionArn, "functionArn must not be null");
        Objects.requireNonNull(functionArnOutput, "functionArnOutput must not be null");
        Objects.requireNonNull(functionTimeout, "functionTimeout must not be null");
        return CodeBuildStep.Builder.create(id)
                .input(source)
                .envFromCfnOutputs(Map.of(FUNCTION_ARN_VARIABLE, functionArnOutput))
                .env(MigratorInvocation.cliEnvironment(functionTimeout))
                .commands(commands())
                .role(role)
                .rolePolicyStatements(MigratorInvocation.invokeOnly(functionArn))
                .build();
    }

    /**
     * The post-deploy step of a stage that migrates through its workflow: starts it, waits (up to
     * {@link #WORKFLOW_STEP_TIMEOUT}), prints each target, fails when the execution did not succeed, then checks the
     * schema history as {@link #create} does.
     *
     * @param workflow the workflow's ARN as the pipeline's account names it, the policy ARNs of its executions and Map
     *                 Runs, and the stage's output holding the same ARN
     */
    public static CodeBuildStep createWithWorkflow(String id, IRole role, IFileSetProducer source, String functionArn,
            CfnOutput functionArnOutput, Duration functionTimeout, Workflow workflow) {
        Objects.requireNonNull(workflow, "workflow must not be null");
        Map<String, String> environment = new HashMap<>(MigratorInvocation.cliEnvironment(functionTimeout));
        environment.putAll(WorkflowRun.environment());
        List<PolicyStatement> permissions = new ArrayList<>(MigratorInvocation.invokeOnly(functionArn));
        permissions.addAll(WorkflowRun.permissions(workflow.stateMachineArn(), workflow.executions(),
                workflow.mapRuns()));
        return CodeBuildStep.Builder.create(id)
                .input(Objects.requireNonNull(source, "source must not be null"))
                .envFromCfnOutputs(Map.of(FUNCTION_ARN_VARIABLE, functionArnOutput,
                        WorkflowRun.WORKFLOW_ARN_VARIABLE, workflow.arnOutput()))
                .env(environment)
                .commands(workflowCommands())
                .role(Objects.requireNonNull(role, "role must not be null"))
                .rolePolicyStatements(permissions)
                // CodeBuild's default is one hour; a Fargate migration may take longer.
                .timeout(WORKFLOW_STEP_TIMEOUT)
                .build();
    }

    /**
     * How long the workflow step may wait for the workflow: 8 hours (CodeBuild allows 36). A run that takes longer is
     * still running when the step fails; the operator follows it with {@code aws stepfunctions describe-execution}.
     */
    public static final Duration WORKFLOW_STEP_TIMEOUT = Duration.hours(8);

    /**
     * A stage's workflow as the pipeline's account names it.
     *
     * @param stateMachineArn its ARN, from its fixed name
     * @param executions      its executions and the Distributed Maps' child executions
     * @param mapRuns         its Map Runs
     * @param arnOutput       the stage's output holding its ARN, read at run time
     */
    public record Workflow(String stateMachineArn, List<String> executions, List<String> mapRuns,
                           CfnOutput arnOutput) {
        public Workflow {
            Objects.requireNonNull(stateMachineArn, "stateMachineArn must not be null");
            executions = List.copyOf(executions);
            mapRuns = List.copyOf(mapRuns);
            Objects.requireNonNull(arnOutput, "arnOutput must not be null");
        }
    }

    /**
     * The shell commands (POSIX sh, as CodeBuild runs them; {@code aws} and {@code jq} as on CodeBuild's
     * standard image). Each command that exits non-zero fails the step.
     */
    public static List<String> commands() {
        List<String> commands = new ArrayList<>(List.of(
                REGION,
                "echo \"Migrating with $" + FUNCTION_ARN_VARIABLE + "\"",
                invoke("migrate"),
                "cat migrate-status.json; cat migrate.json; echo",
                "if jq -e 'has(\"FunctionError\")' migrate-status.json > /dev/null; then"
                        + " echo 'The migration failed (FunctionError): the reason is above, the details in the"
                        + " function log group' >&2; exit 1; fi",
                "if ! jq -e '.success == true' migrate.json > /dev/null; then"
                        + " echo 'The migrator did not report success' >&2; exit 1; fi"));
        commands.addAll(historyCheck());
        return List.copyOf(commands);
    }

    /**
     * The commands when the stage migrates through its workflow: {@link WorkflowRun}'s (start, wait, the per-target
     * table, fail beyond tolerance), then the same history check as {@link #commands()}.
     */
    public static List<String> workflowCommands() {
        List<String> commands = new ArrayList<>();
        commands.add(REGION);
        commands.addAll(WorkflowRun.commands());
        commands.addAll(historyCheck());
        return List.copyOf(commands);
    }

    /** The stage's region, from the migrator's ARN: every call of the step goes there. */
    private static final String REGION = "REGION=\"$(echo \"$" + FUNCTION_ARN_VARIABLE + "\" | cut -d: -f4)\"";

    /** The schema history by {@code info}, and the check that it is where the commit says. */
    private static List<String> historyCheck() {
        return List.of(
                invoke("info"),
                "if jq -e 'has(\"FunctionError\")' info-status.json > /dev/null; then"
                        + " cat info.json; echo 'Reading the schema history failed' >&2; exit 1; fi",
                "jq -r '\"Schema version: \\(.schemaVersion // \"none\")\", \"History:\","
                        + " (.applied[]? | \"  \\(.version // \"R\")  \\(.state // \"\")  \\(.installedOn // \"\")"
                        + "  \\(.script)\"), \"Pending: \\(.pending | length)\","
                        + " (.pending[]? | \"  \\(.version // \"R\")  \\(.script)\")' info.json",
                "if [ ! -d migrations ]; then echo 'No migrations/ folder in the source' >&2; exit 1; fi",
                // The versions of the commit's versioned migrations (V<version>__<description>.sql, '_' read as '.').
                "find migrations -type f -name 'V*__*.sql' | sed -e 's|.*/V||' -e 's|__.*||' -e 's|_|.|g'"
                        + " > versions.txt",
                "EXPECTED=\"$(jq -R -s -r '" + NORMALISED + " split(\"\\n\") | map(select(length > 0))"
                        + " | if length == 0 then \"none\" else max_by(norm) end' versions.txt)\"",
                "if jq -e --arg expected \"$EXPECTED\" '" + NORMALISED + " (.pending | length) > 0"
                        + " or ((.schemaVersion // \"none\") as $v | if $expected == \"none\" then $v != \"none\""
                        + " else $v == \"none\" or ($v | norm) != ($expected | norm) end)' info.json > /dev/null; then"
                        + " echo \"The schema is not where this commit says: version $(jq -r '.schemaVersion // \"none\"'"
                        + " info.json), expected $EXPECTED (the highest version in migrations/), $(jq '.pending | length'"
                        + " info.json) pending\" >&2; exit 1; fi",
                "echo \"Schema version $EXPECTED is the highest of migrations/ and nothing is pending\"");
    }

    /**
     * A jq function: a Flyway version as a list of numbers without trailing zeros, so that {@code 1.0} equals
     * {@code 1}, {@code 01} equals {@code 1} and {@code 1.10} comes after {@code 1.9}, as Flyway orders them.
     */
    private static final String NORMALISED = "def norm: split(\".\") | map(tonumber)"
            + " | until(length == 0 or .[-1] != 0; .[:-1]);";

    private static String invoke(String command) {
        return "aws lambda invoke --region \"$REGION\" --function-name \"$" + FUNCTION_ARN_VARIABLE + "\""
                + " --cli-binary-format raw-in-base64-out --cli-read-timeout \"$READ_TIMEOUT\""
                + " --payload '{\"command\":\"" + command + "\"}' " + command + ".json > " + command + "-status.json";
    }
}
