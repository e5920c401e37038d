package io.skylift.migrator.deadline;

import java.util.Objects;

/**
 * Why work was stopped before it finished, in the words a failure's reason uses.
 *
 * @param stopped how the reason starts, e.g. {@code "Stopped 15 s before the Lambda deadline"}
 * @param advice  what the operator can do about it, a whole sentence starting with a space
 */
public record StopReason(String stopped, String advice) {
    public StopReason {
        Objects.requireNonNull(stopped, "stopped must not be null");
        Objects.requireNonNull(advice, "advice must not be null");
    }
}
