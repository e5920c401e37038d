package io.skylift.infra.config;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything a user can set, read once from CDK context and validated before any construct is built.
 * Each key, its default and its meaning are listed in docs/configuration.md (ConfigurationContextKeysTest).
 *
 * @param namePrefix prefix of physical names (stacks, function, cluster, pipeline); default
 *                   {@value #DEFAULT_NAME_PREFIX}
 * @param deployId   the deploy's time, the custom resource's {@code DeployId}: it changes on every deploy, so
 *                   CloudFormation sends an Update (and the function migrates) each time, and it orders deploys, so
 *                   the function recognises CloudFormation's rollback Update (an earlier {@code DeployId} than the
 *                   one it replaces) and answers it without migrating. Default the synth time, to the second
 * @param network    network settings
 * @param database   database settings
 * @param migrator   migrator function settings
 * @param pipeline   pipeline settings
 * @param dev        the development stage, always deployed first
 * @param prod       the production stage behind a manual approval; absent when {@code prodEnabled} is false
 */
public record SkyliftSettings(
        String namePrefix,
        Instant deployId,
        NetworkSettings network,
        DatabaseSettings database,
        MigratorSettings migrator,
        PipelineSettings pipeline,
        StageSettings dev,
        Optional<StageSettings> prod) {

    public static final String DEFAULT_NAME_PREFIX = "skylift";

    // Short enough that "<prefix>-prod-migrator" fits Lambda's 64 characters and the cluster id its 63.
    private static final Pattern NAME_PREFIX = Pattern.compile("[a-z][a-z0-9-]{0,29}");

    public SkyliftSettings {
        Objects.requireNonNull(namePrefix, "namePrefix must not be null");
        Objects.requireNonNull(deployId, "deployId must not be null");
        Objects.requireNonNull(network, "network must not be null");
        Objects.requireNonNull(database, "database must not be null");
        Objects.requireNonNull(migrator, "migrator must not be null");
        Objects.requireNonNull(pipeline, "pipeline must not be null");
        Objects.requireNonNull(dev, "dev must not be null");
        Objects.requireNonNull(prod, "prod must not be null");
        for (StageSettings stage : stagesOf(dev, prod)) {
            // A stage elsewhere needs the pipeline's own environment: CDK Pipelines needs it for
            // cross-account keys and cross-region buckets, and the stage grants the pipeline's account.
            if (stage.account().isPresent() && pipeline.account().isEmpty()) {
                throw new IllegalArgumentException("Context key '" + stage.name() + "Account' is set, so '"
                        + "pipelineAccount' must be set too (the account the pipeline runs in)");
            }
            if (stage.workflow().isPresent() && stage.account().isPresent()
                    && !stage.account().equals(pipeline.account())) {
                throw new IllegalArgumentException("Context key '" + stage.name() + "Workflow' is set for a stage in"
                        + " another account than the pipeline's ('" + stage.name() + "Account'): the post-deploy step"
                        + " starts the workflow with its own role, which this app grants in the pipeline's account only;"
                        + " set it to none, or deploy the stage in the pipeline's account");
            }
            if (stage.region().isPresent() && pipeline.region().isEmpty()) {
                throw new IllegalArgumentException("Context key '" + stage.name() + "Region' is set, so '"
                        + "pipelineRegion' must be set too (the region the pipeline runs in)");
            }
        }
    }

    /** The stages in deployment order: dev, then prod when enabled. */
    public List<StageSettings> stages() {
        return stagesOf(dev, prod);
    }

    /** The account a stage deploys to: its own, else the pipeline's; empty = environment-agnostic. */
    public Optional<String> accountOf(StageSettings stage) {
        return stage.account().or(pipeline::account);
    }

    /** The region a stage deploys to: its own, else the pipeline's; empty = environment-agnostic. */
    public Optional<String> regionOf(StageSettings stage) {
        return stage.region().or(pipeline::region);
    }

    /** Whether the stage deploys to another account than the pipeline's. */
    public boolean isCrossAccount(StageSettings stage) {
        return stage.account().isPresent() && !stage.account().equals(pipeline.account());
    }

    /**
     * Reads and validates every setting.
     *
     * @param now the synth time, the default {@code deployId}
     * @throws IllegalArgumentException naming the context key when a value cannot be used
     */
    public static SkyliftSettings fromContext(ContextReader context, Instant now) {
        Objects.requireNonNull(now, "now must not be null");
        boolean prodEnabled = context.bool("prodEnabled", true);
        return new SkyliftSettings(
                context.matching("namePrefix", DEFAULT_NAME_PREFIX, NAME_PREFIX,
                        "lower-case letters, digits and -, starting with a letter, at most 30 characters"),
                context.instant("deployId", now.truncatedTo(ChronoUnit.SECONDS)),
                NetworkSettings.fromContext(context),
                DatabaseSettings.fromContext(context),
                MigratorSettings.fromContext(context),
                PipelineSettings.fromContext(context),
                StageSettings.fromContext(context, StageSettings.DEV_DEFAULTS),
                prodEnabled ? Optional.of(StageSettings.fromContext(context, StageSettings.PROD_DEFAULTS))
                        : Optional.empty());
    }

    private static List<StageSettings> stagesOf(StageSettings dev, Optional<StageSettings> prod) {
        List<StageSettings> stages = new ArrayList<>();
        stages.add(dev);
        prod.ifPresent(stages::add);
        return List.copyOf(stages);
    }
}
