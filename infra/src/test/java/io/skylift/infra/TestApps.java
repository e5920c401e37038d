package io.skylift.infra;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skylift.infra.pipeline.PipelineStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.cxapi.CloudAssembly;

/**
 * Builds the app as {@code cdk synth} does: with cdk.json's context (feature flags and defaults) plus
 * the overrides a test names, into its own output directory.
 */
public final class TestApps {

    /** The repository root. */
    public static final Path ROOT = RepositoryRoot.find(Path.of(""));

    /** The synth time the tests use: the default deploy id derives from it. */
    public static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    /** Context of a pipeline that names its repository and connection. */
    public static final Map<String, Object> CONNECTED = Map.of(
            "repository", "acme/orders",
            "branch", "release",
            "connectionArn", "arn:aws:codestar-connections:eu-west-1:111111111111:connection/abcd-1234");

    private TestApps() {
    }

    /** A synthesized app. */
    public record Synthesized(App app, PipelineStack pipeline, CloudAssembly assembly) {

        /** The stage {@code stage} ({@code dev} or {@code prod}). */
        public SkyliftStage stage(String stage) {
            return pipeline.getStages().stream()
                    .filter(s -> s.getData().getStackName().endsWith("-" + stage))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no " + stage + " stage"));
        }

        /** The data stack (network, cluster, secrets) of {@code stage}. */
        public DataStack data(String stage) {
            return stage(stage).getData();
        }

        /** The migrator stack (function, custom resource, monitoring) of {@code stage}. */
        public MigratorStack migrator(String stage) {
            return stage(stage).getMigrator();
        }
    }

    /** Synthesizes the app with cdk.json's context, {@code overrides} on top, at {@link #NOW}. */
    public static Synthesized synth(Path outdir, Map<String, Object> overrides) {
        return synth(outdir, overrides, NOW);
    }

    /** Synthesizes the app with cdk.json's context, {@code overrides} on top, at {@code now}. */
    public static Synthesized synth(Path outdir, Map<String, Object> overrides, Instant now) {
        Map<String, Object> context = new HashMap<>(cdkJsonContext());
        // What the CDK CLI adds by default: construct paths and asset paths in the templates' metadata.
        context.put("aws:cdk:enable-path-metadata", true);
        context.put("aws:cdk:enable-asset-metadata", true);
        context.putAll(overrides);
        App app = App.Builder.create().context(context).outdir(outdir.toString()).build();
        PipelineStack pipeline = SkyliftApp.build(app, ROOT, now);
        return new Synthesized(app, pipeline, app.synth());
    }

    /** The {@code context} object of the repository's cdk.json. */
    public static Map<String, Object> cdkJsonContext() {
        return readJson(ROOT.resolve("cdk.json")).get("context") instanceof Map<?, ?> m ? cast(m) : Map.of();
    }

    /** A JSON file as a map. */
    public static Map<String, Object> readJson(Path file) {
        try {
            return new ObjectMapper().readValue(file.toFile(), new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
