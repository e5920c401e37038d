package io.skylift.migrator.plan;

import io.skylift.lint.Finding;
import io.skylift.lint.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The placeholders a plan's migrations use, read from their text (plan never has Flyway replace them). A placeholder
 * this function has no value for is a finding, not a failure: a planner holds no placeholder secrets, and the
 * migrator that runs the migrations may well know it.
 *
 * @param prefix Flyway's placeholder prefix, {@code ${} by default
 * @param suffix Flyway's placeholder suffix, <code>}</code> by default
 * @param known  the names this function has values for (any case)
 */
public record PlaceholderUse(String prefix, String suffix, Set<String> known) {
    /** The finding's rule id. */
    public static final String RULE = "unknown-placeholder";

    public PlaceholderUse {
        Objects.requireNonNull(prefix, "prefix must not be null");
        Objects.requireNonNull(suffix, "suffix must not be null");
        known = Set.copyOf(known.stream().map(name -> name.toLowerCase(Locale.ROOT)).toList());
    }

    /** The names {@code script} (relative to {@code folder}) uses, in order of first use; Flyway's own excluded. */
    public List<String> names(Path folder, String script) {
        List<String> names = new ArrayList<>();
        Matcher matcher = pattern().matcher(read(folder, script));
        while (matcher.find()) {
            String name = matcher.group(1);
            if (!isFlywaysOwn(name) && !names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /** One warning per script and placeholder the function does not know, at the line of its first use. */
    public List<Finding> unknown(List<Path> folders, Set<String> scripts) {
        List<Finding> findings = new ArrayList<>();
        for (Path folder : folders) {
            for (String script : scripts) {
                if (!Files.isRegularFile(folder.resolve(script))) {
                    continue;
                }
                String text = read(folder, script);
                Set<String> reported = new LinkedHashSet<>();
                Matcher matcher = pattern().matcher(text);
                while (matcher.find()) {
                    String name = matcher.group(1);
                    if (isFlywaysOwn(name) || known.contains(name.toLowerCase(Locale.ROOT)) || !reported.add(name)) {
                        continue;
                    }
                    String upper = name.toUpperCase(Locale.ROOT);
                    findings.add(new Finding(RULE, Severity.WARNING, script, line(text, matcher.start()),
                            "Placeholder " + prefix + name + suffix + " has no value in this function (a planner"
                                    + " holds no placeholder secrets): migrate fails unless the migrator sets"
                                    + " FLYWAY_PLACEHOLDERS_" + upper + " or PLACEHOLDER_SECRET_" + upper));
                }
            }
        }
        return List.copyOf(findings);
    }

    private Pattern pattern() {
        return Pattern.compile(Pattern.quote(prefix) + "([^\\r\\n]+?)" + Pattern.quote(suffix));
    }

    /** {@code flyway:defaultSchema}, {@code flyway:filename}, …: Flyway fills them itself. */
    private static boolean isFlywaysOwn(String name) {
        return name.contains(":");
    }

    private static int line(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static String read(Path folder, String script) {
        try {
            return Files.readString(folder.resolve(script), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return ""; // the lint findings already report a file that cannot be read
        }
    }
}
