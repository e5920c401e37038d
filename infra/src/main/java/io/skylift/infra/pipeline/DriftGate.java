package io.skylift.infra.pipeline;

import io.skylift.infra.config.ContextReader;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The plan step's drift check: before a stage's approval it asks the stage's planner (the function the plan step
 * invokes, read-only) for {@code {"command":"drift"}}, prints every difference between the stage's schema and what its migrations left, and fails the step
 * when there is drift, unless an operator accepted exactly that drift.
 *
 * <p>The acceptance is the context key {@code <stage>AcceptedDrift} (e.g. {@code prodAcceptedDrift} in
 * {@code cdk.json}) holding the drift id the step printed: a hash of the differences, so accepting today's drift
 * never waves through tomorrow's, and the acceptance is a reviewed commit with its reason in the message. The
 * migrate that follows the approval retakes the reference only when it applies migrations, so accepted drift left in
 * place stays visible to the daily check until someone fixes it or runs {@code repair} to accept it for good.
 */
public final class DriftGate {
    /** The environment variable holding the accepted drift id, empty when none is accepted. */
    public static final String ACCEPTED_VARIABLE = "ACCEPTED_DRIFT";
    /** 16 hexadecimal digits, as the step prints them. */
    private static final Pattern DRIFT_ID = Pattern.compile("[0-9a-f]{16}");

    private DriftGate() {
    }

    /** The context key that accepts a stage's drift: {@code <stage>AcceptedDrift}. */
    public static String contextKey(String stage) {
        return stage + "AcceptedDrift";
    }

    /** The stage's accepted drift id, when the context sets one. */
    public static Optional<String> acceptedDrift(ContextReader context, String stage) {
        return context.optionalMatching(contextKey(stage), DRIFT_ID,
                "the 16-hex-digit drift id the plan step printed for the drift you accept");
    }

    /**
     * Invokes the planner for its drift and prints it; the verdict waits in {@code drift-verdict.txt} for
     * {@link #verdict()}, so the plan's own check runs in between (an operator sees both before the step fails).
     *
     * @param arn the shell expression of the planner's ARN
     */
    static List<String> check(String arn) {
        String stage = "\"$" + PlanStep.STAGE_VARIABLE + "\"";
        return List.of(
                "printf '%s' '{\"command\":\"drift\"}' > drift-request.json",
                "if ! aws lambda invoke --region \"$REGION\" --function-name " + arn
                        + " --cli-read-timeout \"$READ_TIMEOUT\" --payload fileb://drift-request.json drift.json"
                        + " > drift-status.json 2> drift-invoke.err; then cat drift-invoke.err >&2;"
                        + " echo 'Could not invoke the planner for the drift check' >&2; exit 1; fi",
                // A planner from before the drift command answers "Unknown command" (an older image) or
                // COMMAND_NOT_ALLOWED (its SKYLIFT_COMMANDS lack drift): this promotion brings it.
                "if jq -e 'has(\"FunctionError\")' drift-status.json > /dev/null; then"
                        + " if jq -e '(.errorMessage // \"\") | test(\"Unknown command|COMMAND_NOT_ALLOWED\")' drift.json"
                        + " > /dev/null 2>&1;"
                        + " then jq -n --arg stage " + stage + " '{drift: false, differences: [], note: \"\\($stage)"
                        + "'\"'\"'s planner predates the drift command (this promotion brings it)\"}' > drift.json;"
                        + " else cat drift.json; echo; echo 'The drift check failed (FunctionError): the reason is"
                        + " above' >&2; exit 1; fi; fi",
                "DRIFT_ID=\"$(jq -cS '.differences' drift.json | sha256sum | cut -c1-16)\"",
                "jq -r --arg stage " + stage + " --arg id \"$DRIFT_ID\" '\"Drift of \\($stage)'\"'\"'s schema from what"
                        + " its migrations left: \" + (if .drift then \"\\(.differences | length) difference(s),"
                        + " drift id \\($id)\" else \"none\" end) + (if .note then \" (\\(.note))\" else \"\" end),"
                        + " (.differences[] | \"  \\(.change) \\(.object): \\(.detail)\")' drift.json",
                "if jq -e '.drift' drift.json > /dev/null; then echo \"$DRIFT_ID\" > drift-verdict.txt;"
                        + " else : > drift-verdict.txt; fi");
    }

    /** Fails the step on drift that is not the accepted one. */
    static List<String> verdict() {
        String stage = "${" + PlanStep.STAGE_VARIABLE + "}";
        return List.of("DRIFT_ID=\"$(cat drift-verdict.txt)\"; if [ -n \"$DRIFT_ID\" ]; then"
                + " if [ \"$DRIFT_ID\" = \"$" + ACCEPTED_VARIABLE + "\" ]; then echo \"Drift " + "$DRIFT_ID accepted"
                + " by the operator (context key " + stage + "AcceptedDrift)\";"
                + " else echo \"" + stage + "'s schema drifted from its migrations (listed above). Fix the database"
                + " (or write a migration that makes the change its own), or accept exactly this drift: set context"
                + " key " + stage + "AcceptedDrift to $DRIFT_ID in cdk.json and push\" >&2; exit 1; fi; fi");
    }
}
