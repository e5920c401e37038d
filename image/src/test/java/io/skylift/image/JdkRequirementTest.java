package io.skylift.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A newcomer with no JDK as new as the code's release installed gets, within seconds, a message naming the JDK version
 * needed, not a compiler error about {@code --release}. Run as the README's first command runs, with the required
 * version raised past every installed JDK (which is what a machine without a JDK 25 looks like to the toolchain
 * discovery). That Maven on an older default {@code java} finds an installed JDK 25 by itself is what {@code .ci/run}
 * shows: it runs the README's commands without {@code JAVA_HOME}.
 */
class JdkRequirementTest {

    @Test
    void without_a_new_enough_jdk_installed_the_readme_command_stops_at_once_naming_the_version_needed() throws Exception {
        Path repository = DockerfileStages.REPOSITORY;
        ProcessBuilder builder = new ProcessBuilder(List.of(repository.resolve("mvnw").toString(), "-B", "-o", "-q",
                "-pl", "function", "-am", "test-compile", "-Dskylift.jdk=99")).directory(repository.toFile())
                .redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();

        assertThat(process.exitValue()).as(output).isNotZero();
        assertThat(output).contains("select-jdk-toolchain", "{version=[99,)}")
                .doesNotContain("release version", "invalid target release");
    }
}
