package io.skylift.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.skylift.migrator.testkit.FakeSecretsManager;
import io.skylift.migrator.testkit.InvocationResult;
import io.skylift.migrator.testkit.RuntimeInterfaceClientProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Dockerfile's AOT training, done here the way the image build does it (its command, on the image's layout), and
 * the cache then used by the function started the way the image starts it: the function's classes, the runtime
 * client's and Flyway's come from the cache, not from the jars; and a cache that cannot be used never stops it.
 */
class AotCacheTest {
    private static final String HANDLER = "io.skylift.migrator.MigratorHandler::handleRequest";
    /** Not an object: answered at once as a function error, without configuration or a database. */
    private static final String NOT_AN_OBJECT = "[\"migrate\"]";

    @TempDir
    static Path directory;
    private static ImageLayout image;

    @BeforeAll
    static void train() {
        image = ImageLayout.build(ImageLayout.REPOSITORY.resolve("migrations"), directory.resolve("image"));
        image.train(Map.of("JAVA_HOME", System.getProperty("java.home"), "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024"));
    }

    private static RuntimeInterfaceClientProcess start(ImageLayout layout, Map<String, String> environment) {
        return RuntimeInterfaceClientProcess.builder(HANDLER).bootstrap(layout.bootstrap())
                .workingDirectory(layout.taskRoot()).environment(environment).start();
    }

    @Test
    void the_training_run_writes_a_cache_that_the_function_then_loads_its_classes_from() throws Exception {
        assertThat(Files.size(image.cache())).as("cache size").isGreaterThan(10_000_000);
        Path classLog = directory.resolve("classes.log");

        // Another memory size than the training's: the heap differs, the cache still applies.
        try (RuntimeInterfaceClientProcess lambda = start(image, Map.of("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512",
                "JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classLog))) {
            InvocationResult result = lambda.invoke(NOT_AN_OBJECT, Duration.ofSeconds(30));
            assertThat(result.isError()).as("output: %s", lambda.output()).isTrue();
            assertThat(result.body()).contains("not an object");
        }
        List<String> loaded = Files.readAllLines(classLog);
        assertThat(loaded).as("classes of the function, the runtime client, the SDK and Flyway, from the cache")
                .anyMatch(l -> l.contains("io.skylift.migrator.MigratorHandler source: shared objects file"))
                .anyMatch(l -> l.contains("io.skylift.migrator.invocation.InvocationParser source: shared objects"))
                .anyMatch(l -> l.contains("com.amazonaws.services.lambda.runtime.api.client.AWSLambda source: shared"));
        long fromJars = loaded.stream().filter(l -> l.contains("source: file:") || l.contains("source: jar:")).count();
        long fromCache = loaded.stream().filter(l -> l.contains("source: shared objects file")).count();
        assertThat(fromCache).as("classes from the cache vs from the jars (%d)", fromJars).isGreaterThan(10 * fromJars);
    }

    @Test
    void the_secret_reads_of_a_deploy_run_from_the_cache_too() throws Exception {
        Path classLog = directory.resolve("secret-read.log");
        try (FakeSecretsManager secrets = FakeSecretsManager.start()) {
            Map<String, String> environment = new HashMap<>(secrets.environment());
            environment.put("DB_SECRET_ARN", secrets.putSecret("db", "{\"host\":\"db.invalid\",\"port\":5432,"
                    + "\"dbname\":\"shop\",\"username\":\"shop\",\"password\":\"not-used\"}"));
            environment.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classLog);
            try (RuntimeInterfaceClientProcess lambda = start(image, environment)) {
                InvocationResult result = lambda.invoke("{\"command\":\"migrate\"}", Duration.ofSeconds(60));
                assertThat(result.isError()).as("no such database host: output %s", lambda.output()).isTrue();
                assertThat(secrets.getSecretValueCalls()).as("the secret was read").isPositive();
            }
        }
        assertThat(Files.readAllLines(classLog)).as("the SDK's request signing, trained without AWS")
                .anyMatch(l -> l.contains("auth.aws.internal.signer.DefaultV4RequestSigner source: shared objects"))
                .noneMatch(l -> l.contains("software.amazon.awssdk") && l.contains("source: file:"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"missing", "corrupt"})
    void a_cache_that_cannot_be_used_only_makes_the_start_slower(String fault) throws Exception {
        ImageLayout copy = ImageLayout.build(ImageLayout.REPOSITORY.resolve("migrations"), directory.resolve(fault));
        Files.copy(image.cache(), copy.cache());
        if (fault.equals("missing")) {
            Files.delete(copy.cache());
        } else {
            Files.write(copy.cache(), new byte[4096]);
        }
        Map<String, String> environment = new HashMap<>();
        try (RuntimeInterfaceClientProcess lambda = start(copy, environment)) {
            InvocationResult result = lambda.invoke(NOT_AN_OBJECT, Duration.ofSeconds(30));
            assertThat(result.isError()).as("output: %s", lambda.output()).isTrue();
            assertThat(result.body()).as("the function's own answer").contains("not an object");
            assertThat(lambda.output()).as("the JVM says why it runs without the cache").containsIgnoringCase("aot");
        }
    }

    @Test
    void the_cache_is_written_where_the_image_copies_it_from() throws IOException {
        DockerfileStages dockerfile = DockerfileStages.read();
        assertThat(dockerfile.copies(dockerfile.image())).as("the image's COPY of the cache")
                .contains(new DockerfileStages.Copy("training", dockerfile.trainedCache(), dockerfile.trainedCache()));
        assertThat(image.cache()).isEqualTo(image.taskRoot().resolve("skylift.aot")).isRegularFile();
    }
}
