package io.skylift.migrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.skylift.migrator.testkit.InvocationResult;
import io.skylift.migrator.testkit.PostgresExtension;
import io.skylift.migrator.testkit.RuntimeInterfaceClientProcess;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A {@code FLYWAY_*} variable for a Flyway setting Skylift controls is refused by name before any work, as a user sees
 * it: the handler in its own JVM with the image's class path (the function's classes and its runtime jars, which hold
 * no jackson-databind: Flyway's route from a variable to a plugin's setting would need it), through the real runtime
 * client.
 */
@ExtendWith({PostgresExtension.class, MigratorFixtureExtension.class})
class ControlledFlywaySettingsTest {
    /** What Maven built for the image's {@code lib/}: the function's classes and its runtime dependencies. */
    private static final Path CLASSES = Path.of("target/classes");
    private static final Path DEPENDENCIES = Path.of("target/dependency");

    @Test
    void flyway_postgresql_transactional_lock_is_refused_with_why_before_any_secret_is_read(MigratorFixture fixture)
            throws Exception {
        fixture.environment.put("FLYWAY_POSTGRESQL_TRANSACTIONAL_LOCK", "true");
        try (RuntimeInterfaceClientProcess lambda = RuntimeInterfaceClientProcess.builder(LambdaRuntimeTest.HANDLER)
                .classpath(imageClassPath())
                .workingDirectory(fixture.taskRoot)
                .environment(fixture.environment)
                .environment(fixture.secrets.environment())
                .start()) {
            InvocationResult result = lambda.invoke("{\"command\":\"migrate\"}", Duration.ofSeconds(60));

            assertThat(result.isError()).as(lambda.output()).isTrue();
            assertThat(result.json().get("errorMessage").asText())
                    .contains("[CONFIGURATION]", "FLYWAY_POSTGRESQL_TRANSACTIONAL_LOCK", "postgresql.transactional.lock",
                            "advisory lock", "transaction open", "remove the variable")
                    .doesNotContainIgnoringCase("jackson");
            assertThat(fixture.secrets.getSecretValueCalls()).as("refused before any secret is read").isZero();
        }
    }

    private static String imageClassPath() throws IOException {
        List<String> entries = new ArrayList<>();
        entries.add(CLASSES.toAbsolutePath().toString());
        try (Stream<Path> jars = Files.list(DEPENDENCIES)) {
            jars.filter(jar -> jar.toString().endsWith(".jar")).sorted()
                    .forEach(jar -> entries.add(jar.toAbsolutePath().toString()));
        }
        assertThat(entries).as("the image's jars").noneMatch(entry -> entry.contains("jackson-databind"));
        return String.join(File.pathSeparator, entries);
    }
}
