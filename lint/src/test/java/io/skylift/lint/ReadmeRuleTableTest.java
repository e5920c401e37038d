package io.skylift.lint;

import static org.assertj.core.api.Assertions.assertThat;

import io.skylift.lint.rules.Rules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's rule table lists every rule of the registry, in its order, with its severity, and nothing else. */
class ReadmeRuleTableTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z-]+)` \\| (error|warning) \\|");

    @Test
    void the_readmes_rule_table_is_the_registry_in_order_with_each_severity() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("\n## Migration lint\n");
        assertThat(start).as("the README's Migration lint section").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        List<String> documented = new ArrayList<>();
        for (String line : readme.substring(start, end < 0 ? readme.length() : end).split("\n")) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                documented.add(row.group(1) + " " + row.group(2));
            }
        }
        assertThat(documented).containsExactlyElementsOf(
                Rules.all().stream().map(rule -> rule.id() + " " + rule.severity().wireName()).toList());
    }
}
