package io.skylift.migrator.deadline;

import java.time.Duration;

/**
 * The moment the work must be finished by: Lambda's deadline less the safety margin that leaves time to roll
 * back and answer. Measured on the monotonic clock.
 */
public record Deadline(long atNanos) {

    /** A deadline {@code duration} from now; zero or negative durations give a deadline already passed. */
    public static Deadline after(Duration duration) {
        return new Deadline(System.nanoTime() + duration.toNanos());
    }

    /** Time left, never negative. */
    public Duration remaining() {
        long left = atNanos - System.nanoTime();
        return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }
}
