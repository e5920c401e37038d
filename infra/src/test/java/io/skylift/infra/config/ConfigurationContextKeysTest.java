package io.skylift.infra.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.skylift.infra.TestApps;
import io.skylift.infra.pipeline.DriftGate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md's "context key" column names every key the app reads, and no key it does not: the keys read
 * are recorded while the app's settings are read from an empty context, every default taken.
 */
class ConfigurationContextKeysTest {
    private static final Path PAGE = TestApps.ROOT.resolve("docs/configuration.md");
    private static final Pattern NAME = Pattern.compile("`([a-z][A-Za-z0-9]*)`");

    @Test
    void the_configuration_page_lists_exactly_the_context_keys_the_app_reads() throws IOException {
        Set<String> read = new LinkedHashSet<>();
        ContextReader recording = new ContextReader(key -> {
            read.add(key);
            return null;
        });
        SkyliftSettings.fromContext(recording, TestApps.NOW);
        for (String stage : List.of("dev", "prod")) {
            DriftGate.acceptedDrift(recording, stage);
        }

        assertThat(read).as("keys read").contains("namePrefix", "devMinCapacity", "prodAcceptedDrift");

        Set<String> documented = column(Files.readAllLines(PAGE, StandardCharsets.UTF_8), "context key");

        assertThat(read).as("context keys the app reads that " + PAGE + " does not list")
                .allMatch(documented::contains);
        assertThat(documented).as("context keys " + PAGE + " lists that the app does not read")
                .allMatch(read::contains);
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
            List<String> cells = Arrays.stream(line.substring(1).split("\\|", -1)).map(String::strip)
                    .toList();
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
