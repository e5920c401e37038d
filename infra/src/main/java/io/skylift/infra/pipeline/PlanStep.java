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
 * <p>It invokes the stage's <em>planner</em>, never its migrator: the same image, whose commands are fixed to
 * {@code plan,lint,info,validate,drift} when it starts, connected as a database role that can read and not write,
 * holding neither the master secret nor a placeholder secret. The step's role may invoke that one function. The planner
 * still runs the previous image at that point, so the step sends it this commit's {@code migrations/} files in the
 * payload ({@code {"command":"plan","migrationsGzip":"<base64 of the gzip of [{"script":...,"content":...},...]>"}},
 * versioned and repeatable migrations and their {@code .sql.conf} only), and the planner computes Flyway's view of
 * them against the live history, executing none of them (no callbacks, placeholders not replaced, so no checksum
 * covers a secret). The step fails when the plan says {@code migrate} would fail (an applied migration changed, a
 * failed history row); it passes with a "NO PLAN" notice when the stage has no planner yet: its first deploy, or a
 * stage whose migrator predates the planner (the promotion that brings the planner). It also asks the planner for the
 * stage's schema drift, prints it, and fails on drift an operator has not accepted ({@link DriftGate}); without a
 * planner there is no drift check either.
 */
public final class PlanStep {

    /** The environment variable holding the stage's planner ARN. */
    public static final String FUNCTION_ARN_VARIABLE = "PLANNER_FUNCTION_ARN";
    /**
     * The files the plan sends (an extended regular expression over their paths): versioned and repeatable SQL
     * migrations, with their {@code .sql.conf}; the function refuses any other name.
     */
    static final String MIGRATION_FILE = "(^|/)(V[0-9]+([._][0-9]+)*|R)__[A-Za-z0-9_.-]+\\.sql(\\.conf)?$";
    /** The environment variable naming the stage, for the printout. */
    public static final String STAGE_VARIABLE = "STAGE_NAME";

    private PlanStep() {
    }

    /**
     * The step's role's name: fixed, so that a stage in another account can let exactly this role invoke its
     * planner.
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
     * @param functionArn     the stage's planner ARN (the step's role may invoke this function only)
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
                // Versioned and repeatable migrations with their .sql.conf only: the function refuses any other
                // name (a callback such as beforeMigrate.sql stays in the image, approved with it).
                "find migrations -type f \\( -name '*.sql' -o -name '*.sql.conf' \\) | LC_ALL=C sort > plan-all.txt",
                "grep -E '" + MIGRATION_FILE + "' plan-all.txt > plan-files.txt || true",
                "if grep -v -x -F -f plan-files.txt plan-all.txt > plan-skipped.txt; then echo \"Not sent (plan judges"
                        + " versioned and repeatable migrations only): $(sed 's|^migrations/||' plan-skipped.txt"
                        + " | tr '\\n' ' ')\"; fi",
                "echo \"Plan for $" + STAGE_VARIABLE + " ($" + FUNCTION_ARN_VARIABLE + "): what this commit would"
                        + " apply to its database; nothing is changed. $(wc -l < plan-files.txt) migration file(s)"
                        + " sent.\"",
                // One JSON object per file (jq reads the file as text), the list gzip-compressed and base64-encoded
                // (Lambda refuses a synchronous payload over 6 MB; SQL compresses several times over), then the
                // payload around it.
                "while IFS= read -r f; do jq -n --arg script \"${f#migrations/}\" --rawfile content \"$f\""
                        + " '{script: $script, content: $content}'; done < plan-files.txt"
                        + " | jq -s -c '.' | gzip -9 -c | base64 -w0 > plan-migrations.b64",
                "jq -n --rawfile gz plan-migrations.b64 '{command: \"plan\", migrationsGzip: $gz}' > plan-request.json",
                "if ! aws lambda invoke --region \"$REGION\" --function-name " + arn
                        + " --cli-read-timeout \"$READ_TIMEOUT\" --payload fileb://plan-request.json plan.json"
                        + " > plan-status.json 2> plan-invoke.err; then"
                        // Not found in this account; in another account, no resource policy (none exists yet).
                        + " if grep -q -e ResourceNotFoundException -e 'no resource-based policy allows'"
                        + " plan-invoke.err; then"
                        + " echo \"NO PLAN: $" + STAGE_VARIABLE + " has no planner yet: its first deploy, or a migrator"
                        + " that predates the planner (this promotion brings it). Nothing was read from its database;"
                        + " the migration files of this commit:\"; sed 's|^migrations/|  |' plan-files.txt; exit 0; fi;"
                        + " cat plan-invoke.err >&2; echo 'Could not invoke the planner for the plan' >&2; exit 1; fi",
                "if jq -e 'has(\"FunctionError\")' plan-status.json > /dev/null; then"
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
