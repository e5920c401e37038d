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

/** docs/lint-rules.md lists every rule of the registry, in its order, with its severity, and nothing else. */
class LintRulesDocTest {
    private static final Path PAGE = Path.of("..", "docs", "lint-rules.md");
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z-]+)` \\| (error|warning) \\|");

    @Test
    void the_rule_table_is_the_registry_in_order_with_each_severity() throws IOException {
        List<String> documented = new ArrayList<>();
        for (String line : Files.readAllLines(PAGE, StandardCharsets.UTF_8)) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                documented.add(row.group(1) + " " + row.group(2));
            }
        }
        assertThat(documented).as("the rule table of " + PAGE).containsExactlyElementsOf(
                Rules.all().stream().map(rule -> rule.id() + " " + rule.severity().wireName()).toList());
    }
}
