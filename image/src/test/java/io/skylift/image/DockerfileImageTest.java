package io.skylift.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.skylift.image.DockerfileStages.Copy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the Dockerfile promises about starting the function, checked without Docker: Lambda starts the image's
 * bootstrap, the training run starts that same bootstrap in the same stage's files, the cache it writes is the one the
 * image carries and the bootstrap maps, and the training code stays out of the image.
 */
class DockerfileImageTest {
    private final DockerfileStages dockerfile = DockerfileStages.read();

    @Test
    void lambda_starts_the_bootstrap_of_the_function_stage_with_the_migrators_handler() {
        assertThat(dockerfile.startCommand())
                .containsExactly(DockerfileStages.TASK_ROOT + "/bootstrap",
                        "io.skylift.migrator.MigratorHandler::handleRequest");
        assertThat(ImageLayout.REPOSITORY.resolve(dockerfile.bootstrapSource())).isRegularFile().isExecutable();
    }

    @Test
    void the_training_runs_that_same_bootstrap_on_the_same_files_the_image_is_made_of() {
        assertThat(dockerfile.stage("training").from()).as("the training stage is the function stage")
                .isEqualTo("function");
        assertThat(dockerfile.image().from()).as("and so is the image").isEqualTo("function");
        assertThat(dockerfile.image().instructions()).as("the image adds nothing to the function stage but the "
                        + "cache and how to start")
                .allMatch(l -> l.startsWith("COPY --from=training ") || l.startsWith("ENTRYPOINT ")
                        || l.startsWith("CMD "));
        assertThat(dockerfile.trainedBootstrap()).isEqualTo(dockerfile.startCommand().get(0));
    }

    @Test
    void the_cache_the_training_writes_is_the_file_the_bootstrap_maps() throws IOException {
        assertThat(dockerfile.trainedCache()).isEqualTo(DockerfileStages.TASK_ROOT + "/skylift.aot");
        String bootstrap = Files.readString(ImageLayout.REPOSITORY.resolve(dockerfile.bootstrapSource()));
        assertThat(bootstrap).as("the bootstrap's cache, beside it").contains("cache=\"$root/skylift.aot\"");
        assertThat(dockerfile.copies(dockerfile.image()))
                .containsExactly(new Copy("training", dockerfile.trainedCache(), dockerfile.trainedCache()));
    }

    @Test
    void the_function_stage_holds_the_functions_jar_its_runtime_jars_migrations_and_bootstrap_only() {
        List<Copy> copies = dockerfile.copies(dockerfile.stage("function"));
        assertThat(copies).extracting(Copy::target).containsExactlyInAnyOrder(
                "/var/task/lib/", "/var/task/lib/skylift-function.jar", "/var/task/migrations/",
                "/var/task/bootstrap");
        assertThat(copies).filteredOn(c -> "build".equals(c.from())).extracting(Copy::source)
                .as("nothing of the image module (the training run) or the test kit")
                .containsExactlyInAnyOrder("/build/function/target/dependency",
                        "/build/function/target/skylift-function.jar");
        assertThat(dockerfile.copies(dockerfile.stage("training"))).extracting(Copy::source)
                .containsExactly("/build/image/target/training");
    }

    @Test
    void the_functions_own_classes_hold_no_training_code_and_no_test_kit() throws IOException {
        Path classes = ImageLayout.FUNCTION_MODULE.resolve("target/classes");
        try (Stream<Path> files = Files.walk(classes)) {
            assertThat(files.map(p -> classes.relativize(p).toString()))
                    .isNotEmpty()
                    .noneMatch(p -> p.startsWith("io/skylift/image") || p.startsWith("io/skylift/migrator/testkit")
                            || p.startsWith("io/skylift/migrator/training"));
        }
    }
}
