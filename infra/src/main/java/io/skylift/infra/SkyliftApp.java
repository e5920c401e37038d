package io.skylift.infra;

import io.skylift.infra.config.ContextReader;
import io.skylift.infra.config.SkyliftSettings;
import io.skylift.infra.lint.MigrationsGate;
import io.skylift.infra.nag.NagChecks;
import io.skylift.infra.pipeline.PipelineStack;
import java.nio.file.Path;
import java.time.Instant;
import software.amazon.awscdk.App;

/**
 * The CDK app that {@code cdk.json} runs: one pipeline stack, whose stages hold the databases.
 *
 * <p>Every setting comes from CDK context (see {@link SkyliftSettings}); stacks are
 * environment-agnostic unless the context names accounts or regions, and nothing is looked up, so
 * {@code cdk synth} needs no AWS credentials.
 */
public final class SkyliftApp {

    /** Construct id (and CLI name) of the pipeline stack. */
    public static final String PIPELINE_STACK_ID = "SkyliftPipeline";

    private SkyliftApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        try {
            build(app, RepositoryRoot.find(Path.of("")), Instant.now());
        } catch (IllegalArgumentException e) {
            // A context value that cannot be used: the message names the key; a stack trace would bury it.
            System.err.println("Skylift: " + e.getMessage());
            System.exit(1);
        }
        app.synth();
    }

    /**
     * Reads the settings from {@code app}'s context and adds the pipeline stack (with its stages) to it.
     *
     * @param repositoryRoot the directory holding cdk.json, package.json and the migrator's Dockerfile
     * @param now            synth time, the default deploy id
     * @throws IllegalArgumentException when a context value cannot be used, or a migration has a lint error
     *                                  ({@link MigrationsGate.MigrationsRejectedException}, the report as message)
     */
    public static PipelineStack build(App app, Path repositoryRoot, Instant now) {
        // First: a migration that would lock or break a live table stops the pipeline before anything deploys.
        MigrationsGate.check(repositoryRoot, System.err);
        SkyliftSettings settings = SkyliftSettings.fromContext(new ContextReader(app.getNode()::tryGetContext), now);
        // On the app: covers the pipeline stack and any cross-region support stack. Stages check themselves.
        NagChecks.apply(app);
        return new PipelineStack(app, PIPELINE_STACK_ID, new PipelineStack.Props(settings, repositoryRoot));
    }
}
