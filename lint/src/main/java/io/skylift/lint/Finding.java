package io.skylift.lint;

import java.util.Objects;

/**
 * One problem in one migration.
 *
 * @param rule     the rule's id, e.g. {@code create-index-non-concurrent}; the name an allow comment uses
 * @param severity {@link Severity#ERROR} fails the build; {@link Severity#WARNING} is reported only
 * @param script   the file, relative to the linted directory with {@code /} separators, e.g. {@code V5__index.sql}
 * @param line     1-based line where the statement starts
 * @param message  what the statement does to a live table, and the safe way to do it instead
 */
public record Finding(String rule, Severity severity, String script, int line, String message) {
    public Finding {
        Objects.requireNonNull(rule, "rule must not be null");
        Objects.requireNonNull(severity, "severity must not be null");
        Objects.requireNonNull(script, "script must not be null");
        Objects.requireNonNull(message, "message must not be null");
    }

    /** {@code V5__index.sql:3: error create-index-non-concurrent: …}, one line as the reports print it. */
    public String describe() {
        return script + ":" + line + ": " + severity.wireName() + " " + rule + ": " + message;
    }
}
