package io.skylift.lint.rules;

import java.util.Objects;

/**
 * A rule's verdict on one statement, before allow comments are applied.
 *
 * @param statement index of the statement in its script
 * @param message   what it does to a live table and the safe pattern
 */
public record Violation(int statement, String message) {
    public Violation {
        Objects.requireNonNull(message, "message must not be null");
    }
}
