package io.skylift.migrator.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.skylift.migrator.task.TaskLimit;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/configuration.md's "environment variable" column names every variable the function reads, and each variable it
 * names is read: by {@link Settings} (recorded while it reads an environment), declared there or by the task entry
 * point, or read by the image's bootstrap. Flyway's {@code FLYWAY_*} and the AWS SDK's {@code AWS_*} are theirs.
 */
class ConfigurationEnvironmentTest {
    private static final Path PAGE = Path.of("..", "docs", "configuration.md");
    private static final Path BOOTSTRAP = Path.of("..", "image", "src", "main", "lambda", "bootstrap");
    private static final Pattern NAME = Pattern.compile("`([A-Z][A-Z0-9_]*)`");
    /** Set by Lambda itself, not by whoever configures the function. */
    private static final Set<String> RESERVED = Set.of("LAMBDA_TASK_ROOT", "AWS_LAMBDA_FUNCTION_NAME");

    @Test
    void the_configuration_page_lists_every_variable_the_function_reads_and_only_those(@TempDir Path taskRoot)
            throws IOException, IllegalAccessException {
        Set<String> read = new LinkedHashSet<>(readBy(taskRoot));
        for (Field field : Settings.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && Modifier.isPublic(field.getModifiers())
                    && field.getName().endsWith("_VARIABLE")) {
                read.add((String) field.get(null));
            }
        }
        read.add(TaskLimit.TIMEOUT_VARIABLE);
        read.removeAll(RESERVED);
        assertThat(read).as("variables read").contains(Settings.SECRET_VARIABLE, "DB_LOCK_TIMEOUT_MS");
        String bootstrap = Files.readString(BOOTSTRAP, StandardCharsets.UTF_8);

        Set<String> documented = column(Files.readAllLines(PAGE, StandardCharsets.UTF_8), "environment variable");

        assertThat(read).as("variables the function reads that " + PAGE + " does not list")
                .allMatch(documented::contains);
        assertThat(documented).as("variables " + PAGE + " lists that nothing reads")
                .allMatch(name -> read.contains(name) || bootstrap.contains(name) || name.startsWith("FLYWAY_")
                        || name.startsWith("AWS_"));
    }

    /** The variables {@link Settings#fromEnvironment} asks for by name. */
    private static Set<String> readBy(Path taskRoot) {
        Set<String> read = new LinkedHashSet<>();
        HashMap<String, String> environment = new HashMap<>() {
            @Override
            public String get(Object key) {
                read.add((String) key);
                return super.get(key);
            }

            @Override
            public String getOrDefault(Object key, String defaultValue) {
                read.add((String) key);
                return super.getOrDefault(key, defaultValue);
            }

            @Override
            public boolean containsKey(Object key) {
                read.add((String) key);
                return super.containsKey(key);
            }
        };
        environment.put(Settings.SECRET_VARIABLE, "arn:aws:secretsmanager:eu-west-1:111111111111:secret:db");
        environment.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        Settings.fromEnvironment(environment);
        return read;
    }

    /** The names in backticks in the tables' column {@code header}, except in cells that start with a dash (none). */
    private static Set<String> column(List<String> lines, String header) {
        Set<String> names = new LinkedHashSet<>();
        int index = -1;
        for (String line : lines) {
            if (!line.startsWith("|")) {
                index = -1;
                continue;
            }
            List<String> cells = Arrays.stream(line.substring(1).split("\\|", -1)).map(String::strip).toList();
            if (index < 0) {
                index = cells.indexOf(header);
                continue;
            }
            if (index < cells.size() && !cells.get(index).startsWith("–") && !cells.get(index).startsWith("---")) {
                Matcher name = NAME.matcher(cells.get(index));
                while (name.find()) {
                    names.add(name.group(1));
                }
            }
        }
        return names;
    }
}
