package io.skylift.construct;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/configuration.md's "construct prop" column names every prop of {@link SchemaMigratorProps}, and nothing else. */
class ConfigurationPropsTest {
    private static final Path PAGE = Path.of("..", "docs", "configuration.md");
    private static final Pattern NAME = Pattern.compile("`([a-z][A-Za-z0-9]*)`");
    private static final Pattern ACCESSOR = Pattern.compile("(?:get|is)([A-Z]\\w*)");

    @Test
    void the_configuration_page_lists_exactly_the_props_of_schema_migrator_props() throws IOException {
        Set<String> props = new LinkedHashSet<>();
        for (Method method : SchemaMigratorProps.class.getDeclaredMethods()) {
            Matcher accessor = ACCESSOR.matcher(method.getName());
            if (Modifier.isPublic(method.getModifiers()) && !Modifier.isStatic(method.getModifiers())
                    && method.getParameterCount() == 0 && accessor.matches()) {
                String name = accessor.group(1);
                props.add(name.substring(0, 1).toLowerCase(Locale.ROOT) + name.substring(1));
            }
        }
        assertThat(props).as("props of SchemaMigratorProps").contains("vpc", "databaseSecret", "planner");

        Set<String> documented = column(Files.readAllLines(PAGE, StandardCharsets.UTF_8), "construct prop");

        assertThat(props).as("props of SchemaMigratorProps that " + PAGE + " does not list")
                .allMatch(documented::contains);
        assertThat(documented).as("props " + PAGE + " lists that SchemaMigratorProps does not have")
                .allMatch(props::contains);
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
