package io.skylift.infra.config;

import io.skylift.construct.Runner;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awscdk.RemovalPolicy;

/**
 * Settings of one deployment stage ({@code dev} or {@code prod}), read from context keys named
 * {@code <stage><Key>}, for example {@code devMinCapacity} or {@code prodAccount}.
 *
 * @param name               stage name, lower case: {@code dev} or {@code prod}; also part of physical names
 * @param account            AWS account; empty = the pipeline's account (environment-agnostic by default)
 * @param region             AWS region; empty = the pipeline's region
 * @param minCapacity        Aurora Serverless v2 minimum ACUs; 0 lets the writer auto-pause
 * @param maxCapacity        Aurora Serverless v2 maximum ACUs
 * @param removalPolicy      what happens to the cluster when the stack deletes it
 * @param deletionProtection whether the cluster refuses deletion until this is turned off
 * @param workflow           the stage's migration workflow ({@code <stage>Workflow}: {@code none}, the default,
 *                           {@code lambda} or {@code fargate}); empty = none. With {@code fargate} the deploy does not
 *                           migrate (no custom resource: a Fargate migration may outlast CloudFormation's hour) and the
 *                           post-deploy step migrates through the workflow, whose task runs without a time limit
 */
public record StageSettings(
        String name,
        Optional<String> account,
        Optional<String> region,
        double minCapacity,
        double maxCapacity,
        RemovalPolicy removalPolicy,
        boolean deletionProtection,
        Optional<Runner> workflow) {

    static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
    private static final List<String> REMOVAL_POLICIES = List.of("destroy", "snapshot", "retain");
    private static final List<String> WORKFLOWS = List.of("none", "lambda", "fargate");

    /** Defaults of the development stage: auto-pause (min 0), max 2 ACUs, destroyed with its stack. */
    public static final StageSettings DEV_DEFAULTS = new StageSettings(
            "dev", Optional.empty(), Optional.empty(), 0, 2, RemovalPolicy.DESTROY, false, Optional.empty());

    /** Defaults of the production stage: min 0.5 ACUs (never paused), max 4, snapshot on removal, protected. */
    public static final StageSettings PROD_DEFAULTS = new StageSettings(
            "prod", Optional.empty(), Optional.empty(), 0.5, 4, RemovalPolicy.SNAPSHOT, true, Optional.empty());

    public StageSettings {
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(account, "account must not be null");
        Objects.requireNonNull(region, "region must not be null");
        Objects.requireNonNull(removalPolicy, "removalPolicy must not be null");
        Objects.requireNonNull(workflow, "workflow must not be null");
        if (minCapacity > maxCapacity) {
            throw new IllegalArgumentException("Context keys '" + name + "MinCapacity' (" + minCapacity
                    + ") and '" + name + "MaxCapacity' (" + maxCapacity + "): the minimum must not exceed the maximum");
        }
    }

    /** Whether the writer may pause when idle (Aurora auto-pause needs a minimum of 0 ACUs). */
    public boolean autoPause() {
        return minCapacity == 0;
    }

    /** The stage name with a capital first letter, as used in construct ids: {@code Dev}, {@code Prod}. */
    public String displayName() {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    /**
     * Reads the settings of stage {@code defaults.name()}, each key falling back to {@code defaults}.
     */
    public static StageSettings fromContext(ContextReader context, StageSettings defaults) {
        String p = defaults.name();
        return new StageSettings(
                p,
                context.optionalMatching(p + "Account", ACCOUNT, "a 12-digit AWS account id"),
                context.optionalMatching(p + "Region", REGION, "an AWS region such as eu-west-1"),
                capacity(context, p + "MinCapacity", defaults.minCapacity(), 0),
                capacity(context, p + "MaxCapacity", defaults.maxCapacity(), 1),
                removalPolicy(context.oneOf(p + "RemovalPolicy", removalPolicyName(defaults.removalPolicy()),
                        REMOVAL_POLICIES)),
                context.bool(p + "DeletionProtection", defaults.deletionProtection()),
                workflow(context.oneOf(p + "Workflow", "none", WORKFLOWS)));
    }

    // Aurora Serverless v2 capacity moves in steps of 0.5 ACU, from 0 (auto-pause) up to 256.
    private static double capacity(ContextReader context, String key, double defaultValue, double min) {
        double value = context.number(key, defaultValue, min, 256);
        if (value * 2 != Math.rint(value * 2)) {
            throw ContextReader.invalid(key, Double.toString(value), "a multiple of 0.5 ACU");
        }
        return value;
    }

    private static Optional<Runner> workflow(String name) {
        return name.equals("none") ? Optional.empty() : Optional.of(Runner.valueOf(name.toUpperCase(Locale.ROOT)));
    }

    /** Whether the deploy's custom resource migrates: not when the workflow's Fargate task is the stage's migrator. */
    public boolean migratesOnDeploy() {
        return !workflow.equals(Optional.of(Runner.FARGATE));
    }

    private static RemovalPolicy removalPolicy(String name) {
        return switch (name) {
            case "destroy" -> RemovalPolicy.DESTROY;
            case "snapshot" -> RemovalPolicy.SNAPSHOT;
            default -> RemovalPolicy.RETAIN;
        };
    }

    private static String removalPolicyName(RemovalPolicy policy) {
        return switch (policy) {
            case DESTROY -> "destroy";
            case SNAPSHOT -> "snapshot";
            default -> "retain";
        };
    }
}
