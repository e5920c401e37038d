package io.skylift.image;

import io.skylift.image.StagedBuild.BuildContext;
import io.skylift.image.StagedBuild.StageRoot;
import io.skylift.migrator.testkit.RuntimeInterfaceClientProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The image the Dockerfile builds, carried out by {@link StagedBuild} on local directories (training stage included),
 * and the function started through the image's own ENTRYPOINT and CMD.
 */
public final class StagedImage {
    private static final String RDS_TRUSTSTORE = "https://truststore.pki.rds.amazonaws.com/";

    private final StageRoot image;
    private final Map<String, StageRoot> stages;

    private StagedImage(StageRoot image, Map<String, StageRoot> stages) {
        this.image = image;
        this.stages = Map.copyOf(stages);
    }

    /** An image built by another Dockerfile ({@link StagedBuild}): its last stage. */
    public static StagedImage of(Map<String, StageRoot> stages) {
        return new StagedImage(List.copyOf(stages.values()).get(stages.size() - 1), stages);
    }

    /**
     * Builds the repository's Dockerfile under {@code work} with this JVM's JDK as the base image's, from the
     * repository as its build context (after Maven's package: the Dockerfile copies what it built), {@code migrations}
     * as the context's {@code migrations/}, and {@code caBundle} for every Amazon RDS CA bundle it downloads.
     */
    public static StagedImage build(Path migrations, Path caBundle, Path work) {
        Objects.requireNonNull(caBundle, "caBundle must not be null");
        BuildContext context = BuildContext.of(DockerfileStages.REPOSITORY).replacing("migrations", migrations);
        StagedBuild build = new StagedBuild(DockerfileStages.read(), context, url -> {
            if (!url.startsWith(RDS_TRUSTSTORE)) {
                throw new AssertionError("the Dockerfile downloads " + url + ": the staged build stands in only for "
                        + "Amazon RDS's CA bundles (" + RDS_TRUSTSTORE + ")");
            }
            return caBundle;
        }, Path.of(System.getProperty("java.home")));
        return of(build.run(work));
    }

    /** The stage {@code name} as the build left it (the published base image: {@code base}). */
    public StageRoot stage(String name) {
        StageRoot stage = stages.get(name);
        if (stage == null) {
            throw new AssertionError("the build has no stage " + name + ": " + stages.keySet());
        }
        return stage;
    }

    /** The image's root file system. */
    public Path root() {
        return image.root();
    }

    /** The image's {@code LAMBDA_TASK_ROOT}. */
    public Path taskRoot() {
        return local(image.environment().get("LAMBDA_TASK_ROOT"));
    }

    /** An image path ({@code /var/task/...}) in this staged image. */
    public Path local(String imagePath) {
        return image.local(imagePath);
    }

    /** The image's ENTRYPOINT then CMD, as Lambda starts the image. */
    public List<String> startCommand() {
        return java.util.stream.Stream.concat(image.entrypoint().stream(), image.cmd().stream()).toList();
    }

    /**
     * The function started the way Lambda starts the image: its ENTRYPOINT (mapped here) with its CMD as the argument,
     * in its working directory, with {@code LAMBDA_TASK_ROOT} mapped here, and {@code environment} added.
     */
    public RuntimeInterfaceClientProcess start(Map<String, String> environment) {
        if (image.entrypoint().size() != 1 || image.cmd().size() != 1) {
            throw new AssertionError("the image starts as ENTRYPOINT [bootstrap] CMD [handler], not " + startCommand());
        }
        return RuntimeInterfaceClientProcess.builder(image.cmd().get(0))
                .bootstrap(local(image.entrypoint().get(0)))
                .workingDirectory(local(image.workdir()))
                .environment(environment)
                .environment("LAMBDA_TASK_ROOT", taskRoot().toString())
                .start();
    }
}
