package io.skylift.migrator.failure;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The runbook's error-code table is what an operator reads next to a failed deploy: every {@link ErrorCode} must have a
 * row there, and a row must not name a code the function never reports.
 */
class RunbookErrorCodesTest {
    private static final Path RUNBOOK = Path.of("..", "docs", "runbook.md");
    private static final String SECTION = "## Error codes";
    private static final Pattern ROW = Pattern.compile("^\\| `([A-Z][A-Z_]*)` \\|");

    @Test
    void every_error_code_has_a_row_in_the_runbook_and_every_row_names_an_error_code() throws IOException {
        Set<String> documented = documentedCodes(Files.readAllLines(RUNBOOK, StandardCharsets.UTF_8));
        List<String> codes = Arrays.stream(ErrorCode.values()).map(Enum::name).toList();

        assertThat(documented).as("the table under '" + SECTION + "' in " + RUNBOOK).isNotEmpty();
        assertThat(codes).as("codes of ErrorCode without a row in the error-code table of " + RUNBOOK)
                .allMatch(documented::contains);
        assertThat(documented).as("rows of the error-code table of " + RUNBOOK + " naming no ErrorCode")
                .allMatch(codes::contains);
    }

    @Test
    void only_the_rows_under_the_error_codes_heading_are_read_unknown_codes_included() {
        List<String> page = List.of("# Runbook", "| `MIGRATION_FAILED` | in another section |", SECTION, "",
                "| code | reason starts with | meaning | recovery |", "|---|---|---|---|",
                "| `CONFIGURATION` | … | … | … |", "| `NO_SUCH_CODE` | … | … | … |", "", "## Next",
                "| `UNEXPECTED` | after the section |");

        assertThat(documentedCodes(page)).containsExactly("CONFIGURATION", "NO_SUCH_CODE");
    }

    /** The codes in the first column of the table under {@link #SECTION}, up to the next heading of its level. */
    private static Set<String> documentedCodes(List<String> lines) {
        Set<String> codes = new LinkedHashSet<>();
        boolean inSection = false;
        for (String line : lines) {
            if (line.startsWith("## ") || line.startsWith("# ")) {
                inSection = line.strip().equals(SECTION);
                continue;
            }
            Matcher row = ROW.matcher(line);
            if (inSection && row.find()) {
                codes.add(row.group(1));
            }
        }
        return codes;
    }
}
