package io.skylift.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A newcomer whose JDK is older than the code's release gets, within seconds, a message naming JAVA_HOME and the JDK
 * needed, not a compiler error about {@code --release}. Run as the README's first command runs, with the required
 * version raised past this JDK's (which is what an older JDK looks like to the rule).
 */
class JdkRequirementTest {

    @Test
    void an_older_jdk_stops_the_readme_command_at_once_naming_java_home_and_the_version_needed() throws Exception {
        Path repository = DockerfileStages.REPOSITORY;
        ProcessBuilder builder = new ProcessBuilder(List.of(repository.resolve("mvnw").toString(), "-B", "-o", "-q",
                "-pl", "function", "test-compile", "-Dskylift.jdk=99")).directory(repository.toFile())
                .redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();

        assertThat(process.exitValue()).as(output).isNotZero();
        assertThat(output).contains("needs JDK 99 or newer", "Maven runs on Java " + System.getProperty("java.version"),
                "JAVA_HOME").doesNotContain("release version", "invalid target release");
    }
}
