package io.skylift.infra.pipeline;

import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.pipelines.CodeBuildStep;
import software.amazon.awscdk.pipelines.IFileSetProducer;
import io.skylift.infra.config.SkyliftSettings;
import io.skylift.infra.config.StageSettings;
import software.amazon.awscdk.services.iam.IRole;

/**
 * The step before a stage's manual approval: what promoting this commit would do to the stage's database, printed
 * for the approver, without changing it.
 *
 * <p>The stage's function still runs the previous image at that point, so the step sends it this commit's
 * {@code migrations/} files in the payload ({@code {"command":"plan","migrations":[...]}}): the function, the only
 * thing that reaches the database and holds its secrets, computes Flyway's view of those files (checksums with the
 * real placeholder values) against the live history in a read-only session. The step fails when the plan says
 * {@code migrate} would fail (an applied migration changed, a failed history row); it passes with a notice when the
 * stage has no migrator yet (the first deploy: every file is pending) or one that predates the plan command. It
 * also prints the stage's schema drift and fails on drift an operator has not accepted ({@link DriftGate}).
 */
public final class PlanStep {

    /** The environment variable holding the stage's migrator ARN. */
    public static final String FUNCTION_ARN_VARIABLE = "MIGRATOR_FUNCTION_ARN";
    /** The environment variable naming the stage, for the printout. */
    public static final String STAGE_VARIABLE = "STAGE_NAME";

    private PlanStep() {
    }

    /**
     * The step's role's name: fixed, so that a stage in another account can let exactly this role (besides the
     * post-deploy step's) invoke its migrator.
     */
    public static String roleName(SkyliftSettings settings, StageSettings stage) {
        return settings.namePrefix() + "-" + stage.name() + "-plan-step";
    }

    /**
     * @param id              step id, unique in the pipeline
     * @param role            the step's CodeBuild role ({@link #roleName}); CDK Pipelines adds its log and artifact
     *                        permissions, this step adds invoking the one function
     * @param source          the commit's files (the pipeline's source): the step reads {@code migrations/} there
     * @param stage           the stage's name, e.g. {@code prod}
     * @param functionArn     the stage's migrator ARN (the step's role may invoke this function only)
     * @param functionTimeout the migrator's timeout: the invocation may take that long
     */
    public static CodeBuildStep create(String id, IRole role, IFileSetProducer source, String stage,
            String functionArn, Duration functionTimeout) {
        return create(id, role, source, stage, functionArn, functionTimeout, java.util.Optional.empty());
    }

    /**
     * As {@link #create(String, IRole, IFileSetProducer, String, String, Duration)}, with the drift an operator
     * accepted ({@link DriftGate}): the step passes when the stage's drift is exactly that one.
     */
    public static CodeBuildStep create(String id, IRole role, IFileSetProducer source, String stage,
            String functionArn, Duration functionTimeout, java.util.Optional<String> acceptedDrift) {
        Objects.requireNonNull(acceptedDrift, "acceptedDrift must not be null");
        Objects.requireNonNull(role, "role must not be null");
        Objects.requireNonNull(source, "source must not be null");
        Objects.requireNonNull(stage, "stage must not be null");
        Objects.requireNonNull(functionArn, "functionArn must not be null");
        Objects.requireNonNull(functionTimeout, "functionTimeout must not be null");
        return CodeBuildStep.Builder.create(id)
                .input(source)
                .env(environment(functionArn, stage, functionTimeout, acceptedDrift))
                .commands(commands())
                .role(role)
                .rolePolicyStatements(MigratorInvocation.invokeOnly(functionArn))
                .build();
    }

    private static Map<String, String> environment(String functionArn, String stage, Duration functionTimeout,
            java.util.Optional<String> acceptedDrift) {
        Map<String, String> environment = new HashMap<>(MigratorInvocation.cliEnvironment(functionTimeout));
        acceptedDrift.ifPresent(id -> environment.put(DriftGate.ACCEPTED_VARIABLE, id));
        environment.put(FUNCTION_ARN_VARIABLE, functionArn);
        environment.put(STAGE_VARIABLE, stage);
        return environment;
    }

    /** Where the approval's comment sends the approver. */
    public static String approvalComment(String stepId, String stage) {
        return "Read the plan before approving: the log of the " + stepId + " action just before this approval"
                + " (its Details link) lists what this commit would do to " + stage + "'s database: pending migrations"
                + " with their checksums, applied migrations that changed, failed rows, lint findings and the schema's drift"
                + " from its migrations. Approve to"
                + " deploy " + stage + " and migrate it.";
    }

    /**
     * The shell commands (POSIX sh, run from the source's root, each non-zero exit fails the step; {@code aws} and
     * {@code jq} 1.6+ as on CodeBuild's standard image).
     */
    public static List<String> commands() {
        String arn = "\"$" + FUNCTION_ARN_VARIABLE + "\"";
        List<String> plan = List.of(
                "REGION=\"$(echo " + arn + " | cut -d: -f4)\"",
                "if [ ! -d migrations ]; then echo 'No migrations/ folder in the source' >&2; exit 1; fi",
                "find migrations -type f -name '*.sql' | LC_ALL=C sort > plan-files.txt",
                "echo \"Plan for $" + STAGE_VARIABLE + " ($" + FUNCTION_ARN_VARIABLE + "): what this commit would"
                        + " apply to its database; nothing is changed. $(wc -l < plan-files.txt) migration file(s)"
                        + " sent.\"",
                // One JSON object per file (jq reads the file as text), then the payload around them.
                "while IFS= read -r f; do jq -n --arg script \"${f#migrations/}\" --rawfile content \"$f\""
                        + " '{script: $script, content: $content}'; done < plan-files.txt"
                        + " | jq -s '{command: \"plan\", migrations: .}' > plan-request.json",
                "if ! aws lambda invoke --region \"$REGION\" --function-name " + arn
                        + " --cli-read-timeout \"$READ_TIMEOUT\" --payload fileb://plan-request.json plan.json"
                        + " > plan-status.json 2> plan-invoke.err; then"
                        + " if grep -q ResourceNotFoundException plan-invoke.err; then"
                        + " echo \"No migrator in $" + STAGE_VARIABLE + " yet (its first deploy): every migration"
                        + " file is pending:\"; sed 's|^migrations/|  |' plan-files.txt; exit 0; fi;"
                        + " cat plan-invoke.err >&2; echo 'Could not invoke the migrator for the plan' >&2; exit 1; fi",
                "if jq -e 'has(\"FunctionError\")' plan-status.json > /dev/null; then"
                        + " if jq -e '(.errorMessage // \"\") | test(\"Unknown (command|field)\")' plan.json"
                        + " > /dev/null 2>&1; then echo \"NO PLAN: $" + STAGE_VARIABLE + "'s migrator predates the"
                        + " plan command (this promotion brings it). Files of this commit:\"; sed 's|^migrations/|  |'"
                        + " plan-files.txt; exit 0; fi;"
                        + " cat plan.json; echo; echo 'The plan failed (FunctionError): the reason is above' >&2;"
                        + " exit 1; fi",
                "jq -r '\"Schema version now: \\(.schemaVersion // \"none\")\","
                        + " \"Pending (\\(.pending | length)):\","
                        + " (.pending[] | \"  \\(.version // \"R\")  \\(.script)  checksum \\(.checksum)\"),"
                        + " \"Changed since applied (\\(.changed | length)):\","
                        + " (.changed[] | \"  \\(.version // \"R\")  \\(.script)  \\(.error)\"),"
                        + " \"Failed (\\(.failed | length)):\","
                        + " (.failed[] | \"  \\(.version // \"R\")  \\(.script)\"),"
                        + " \"Findings (\\(.findings | length)):\","
                        + " (.findings[] | \"  \\(.script):\\(.line): \\(.severity) \\(.rule): \\(.message)\"),"
                        + " (if .success then \"Plan: OK\" else \"Plan: PROBLEMS (see above)\" end)' plan.json");
        List<String> commands = new java.util.ArrayList<>(plan);
        // The drift is printed before either verdict, so a failing step shows the approver everything.
        commands.addAll(DriftGate.check(arn));
        commands.add("if jq -e '(.changed | length) + (.failed | length) > 0' plan.json > /dev/null; then"
                + " echo 'migrate would fail on this database: restore the changed files, or repair the"
                + " failed rows, before promoting' >&2; exit 1; fi");
        commands.addAll(DriftGate.verdict());
        return List.copyOf(commands);
    }
}
