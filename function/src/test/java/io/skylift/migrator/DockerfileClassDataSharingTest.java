package io.skylift.migrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.skylift.migrator.training.TrainingHandler;
import io.skylift.migrator.training.TrainingRun;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The class-data-sharing part of the Dockerfile, checked without Docker: the training run writes the archive that
 * {@code JAVA_TOOL_OPTIONS} maps at run time, after the function and its jars are in place, through the base
 * image's own entry point; and the classes it names exist.
 */
class DockerfileClassDataSharingTest {
    private static final Pattern TOOL_OPTIONS = Pattern.compile("^ENV\\s+JAVA_TOOL_OPTIONS=\"([^\"]*)\"$");
    private List<String> instructions;

    @BeforeEach
    void readFinalStage() throws IOException {
        List<String> all = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : Files.readAllLines(DockerfileTest.ROOT.resolve("Dockerfile"))) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            all.add(current.append(line).toString().replaceAll("\\s+", " ").strip());
            current.setLength(0);
        }
        int from = 0;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).startsWith("FROM ")) {
                from = i;
            }
        }
        instructions = all.subList(from, all.size());
    }

    private int indexOf(String fragment) {
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).contains(fragment)) {
                return i;
            }
        }
        throw new AssertionError("no instruction with " + fragment + " in the final stage: " + instructions);
    }

    private List<String> trainingRun() {
        return Arrays.asList(instructions.get(indexOf(TrainingRun.class.getName())).split(" "));
    }

    private String toolOptions() {
        Matcher matcher = TOOL_OPTIONS.matcher(instructions.get(indexOf("JAVA_TOOL_OPTIONS")));
        assertThat(matcher.matches()).as("ENV JAVA_TOOL_OPTIONS=\"...\"").isTrue();
        return matcher.group(1);
    }

    @Test
    void the_archive_written_by_the_training_run_is_the_one_mapped_at_run_time() {
        List<String> run = trainingRun();
        String written = run.get(run.indexOf(TrainingRun.class.getName()) + 1);

        assertThat(written).startsWith("/").endsWith(".jsa");
        assertThat(toolOptions().split(" ")).contains("-XX:SharedArchiveFile=" + written)
                .as("a missing or unusable archive must not stop the function").contains("-Xshare:auto");
    }

    @Test
    void the_training_starts_the_runtime_through_the_base_imagess_entry_point_with_the_training_handler() {
        List<String> run = trainingRun();
        int entryPoint = run.indexOf("/lambda-entrypoint.sh");

        assertThat(entryPoint).as("the base image's entry point, so the JVM's class path is Lambda's").isPositive();
        assertThat(run.get(entryPoint + 1)).isEqualTo(TrainingHandler.class.getName() + "::handleRequest");
        assertThat(run).as("TrainingRun runs from the image's classes and jars")
                .contains("\"/var/task:/var/task/lib/*\"");
    }

    @Test
    void the_training_runs_after_the_function_is_in_place_and_before_the_archive_is_switched_on() {
        int training = indexOf(TrainingRun.class.getName());

        assertThat(indexOf("target/classes")).isLessThan(training);
        assertThat(indexOf("target/dependency")).isLessThan(training);
        assertThat(indexOf("COPY migrations")).isLessThan(training);
        assertThat(indexOf("JAVA_TOOL_OPTIONS")).as("the training JVMs must not look for the archive")
                .isGreaterThan(training);
    }

    @Test
    void the_training_classes_exist_where_the_image_puts_the_function() throws Exception {
        assertThat(Modifier.isStatic(TrainingRun.class.getMethod("main", String[].class).getModifiers())).isTrue();
        assertThat(RequestStreamHandler.class).isAssignableFrom(TrainingHandler.class);
        assertThat(TrainingHandler.class.getConstructor()).isNotNull();
        assertThat(Path.of(TrainingHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI()))
                .as("main classes, copied to /var/task").endsWith(Path.of("target", "classes"));
    }
}
