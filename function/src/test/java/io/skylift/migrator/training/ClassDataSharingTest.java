package io.skylift.migrator.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.skylift.migrator.bench.LambdaImage;
import io.skylift.migrator.testkit.InvocationResult;
import io.skylift.migrator.testkit.RuntimeInterfaceClientProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Dockerfile's class-data training, done here the way the image build does it (the real Runtime Interface
 * Client, the image's class path layout), and the archive then used by a runtime started with the Dockerfile's
 * {@code JAVA_TOOL_OPTIONS}: the function's classes come from the archive, not from the jars.
 */
class ClassDataSharingTest {
    private static final Path MODULE = Path.of("").toAbsolutePath();

    @Test
    void the_training_run_writes_an_archive_that_the_runtime_then_loads_the_function_from(@TempDir Path directory)
            throws IOException, InterruptedException {
        LambdaImage image = LambdaImage.build(MODULE, MODULE.resolveSibling("migrations"),
                MODULE.resolveSibling("Dockerfile"), directory.resolve("image"));
        String options = image.javaToolOptions();
        String archive = options.replaceAll(".*-XX:SharedArchiveFile=(\\S+).*", "$1");
        assertThat(archive).as("the archive the Dockerfile's JAVA_TOOL_OPTIONS name").startsWith(
                image.taskRoot().toString());

        image.train(Path.of(archive));

        assertThat(Files.size(Path.of(archive))).as("archive size").isGreaterThan(1_000_000);
        Path classLog = directory.resolve("classes.log");
        try (RuntimeInterfaceClientProcess lambda = RuntimeInterfaceClientProcess
                .builder("io.skylift.migrator.MigratorHandler::handleRequest")
                .classpath(image.runtimeClasspath())
                .workingDirectory(image.taskRoot())
                .environment(Map.of("JAVA_TOOL_OPTIONS", options + " -Xlog:class+load=info:file=" + classLog))
                .start()) {
            // Not an object: answered at once as a function error, without configuration or a database.
            InvocationResult result = lambda.invoke("[\"migrate\"]", Duration.ofSeconds(30));
            assertThat(result.isError()).as("output: %s", lambda.output()).isTrue();
            assertThat(result.body()).contains("not an object");
        }
        String loaded = Files.readString(classLog);
        assertThat(loaded)
                .contains("io.skylift.migrator.MigratorHandler source: shared objects file (top)")
                .contains("io.skylift.migrator.invocation.InvocationParser source: shared objects file (top)")
                .contains("io.skylift.migrator.json.JsonReader source: shared objects file (top)");
    }
}
