package io.skylift.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's build context is the same bytes whenever the sources are: the function's jar, its runtime jars and the
 * training folder, built a second time from a copy of the sources in another folder at another time, equal this
 * build's byte for byte. So the image asset's hash (over those files, the Dockerfile and the migrations) changes only
 * when code, a dependency, the Dockerfile or a migration does, and the pipeline neither rebuilds nor retrains for
 * nothing. The second build runs Maven on the same JDK as this one: the jar plugin writes the version of the JDK that
 * runs Maven into every manifest ({@code Build-Tool-Jdk-Spec}), so that JDK is an input like the sources (the pipeline
 * always builds on one).
 */
class ReproducibleBuildIT {
    private static final List<String> MODULES = List.of("contract", "lint", "testkit", "function", "image");
    /** What the Dockerfile copies from the build (its build stage), relative to the repository. */
    private static final List<String> BUILD_OUTPUTS = List.of("function/target/skylift-function.jar",
            "function/target/dependency", "image/target/training");

    @TempDir
    Path copy;

    @Test
    void a_second_build_of_the_same_sources_elsewhere_makes_the_same_bytes() throws Exception {
        Path repository = DockerfileStages.REPOSITORY;
        for (String file : List.of("pom.xml", "mvnw", ".mvn")) {
            StagedBuild.copyTree(repository.resolve(file), copy.resolve(file));
        }
        try (Stream<Path> modules = Files.list(repository)) {
            // Every module's pom (the parent names them all); the sources of those the image is built from.
            for (Path pom : modules.map(m -> m.resolve("pom.xml")).filter(Files::isRegularFile).toList()) {
                StagedBuild.copyTree(pom, copy.resolve(repository.relativize(pom)));
            }
        }
        for (String module : MODULES) {
            StagedBuild.copyTree(repository.resolve(module).resolve("src"), copy.resolve(module).resolve("src"));
        }
        // The command the Dockerfile's header gives for its build context, offline (this build fetched everything).
        ProcessBuilder second = new ProcessBuilder(copy.resolve("mvnw").toString(), "-B", "-q", "-o", "-pl", "image",
                "-am", "-Dmaven.test.skip=true", "package").directory(copy.toFile()).redirectErrorStream(true)
                .redirectOutput(copy.resolve("build.log").toFile());
        String mavenJava = System.getProperty("skylift.maven.java.home");
        if (mavenJava != null) {
            second.environment().put("JAVA_HOME", mavenJava);
        }
        Process build = second.start();
        assertThat(build.waitFor(10, TimeUnit.MINUTES)).as("the second build finished").isTrue();
        assertThat(build.exitValue()).as("the second build: %s", Files.readString(copy.resolve("build.log")))
                .isZero();

        List<String> compared = new ArrayList<>();
        for (String output : BUILD_OUTPUTS) {
            for (Path file : files(repository.resolve(output))) {
                String relative = repository.relativize(file).toString();
                assertThat(copy.resolve(relative)).as("%s in the second build", relative).exists()
                        .hasSameBinaryContentAs(file);
                compared.add(relative);
            }
            assertThat(files(copy.resolve(output))).as("the second build's %s holds no other file", output)
                    .hasSameSizeAs(files(repository.resolve(output)));
        }
        assertThat(compared).as("the function's jar and the training run's jar were compared")
                .contains("function/target/skylift-function.jar")
                .anyMatch(f -> f.startsWith("image/target/training/skylift-image"));
    }

    private static List<Path> files(Path root) throws IOException {
        if (Files.isRegularFile(root)) {
            return List.of(root);
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
