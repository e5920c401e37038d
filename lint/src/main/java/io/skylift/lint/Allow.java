package io.skylift.lint;

import java.util.Optional;

/**
 * A {@code -- skylift:allow <rule> <reason>} comment.
 *
 * @param rule   the rule it accepts, empty when the comment names none
 * @param reason why, empty when missing (then it accepts nothing and is a finding itself)
 * @param line   the comment's line
 */
record Allow(String rule, String reason, int line) {
    static final String PREFIX = "skylift:allow";

    /** The allow written in {@code comment} (the text after {@code --}), if it is one. */
    static Optional<Allow> parse(Token comment) {
        String text = comment.value().strip();
        if (!text.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = text.substring(PREFIX.length());
        if (!rest.isEmpty() && !Character.isWhitespace(rest.charAt(0))) {
            return Optional.empty(); // skylift:allowed, skylift:allowance: not ours
        }
        String[] parts = rest.strip().split("\\s+", 2);
        return Optional.of(new Allow(parts[0], parts.length > 1 ? parts[1].strip() : "", comment.line()));
    }

    boolean hasReason() {
        return !reason.isEmpty();
    }
}
