package io.skylift.migrator.database;

import java.time.Duration;
import java.util.Objects;

/**
 * Backoff between connection attempts: {@code initial}, doubled each time, at most {@code max}.
 * Aurora Serverless v2 resuming from auto-pause refuses connections for 15–30 s; attempts stop at the deadline.
 */
public record ConnectRetryPolicy(Duration initial, Duration max) {
    public static final ConnectRetryPolicy DEFAULT = new ConnectRetryPolicy(Duration.ofMillis(250), Duration.ofSeconds(5));

    public ConnectRetryPolicy {
        Objects.requireNonNull(initial, "initial must not be null");
        Objects.requireNonNull(max, "max must not be null");
    }

    /** The pause after the {@code attempt}-th failure (1-based). */
    public Duration pauseAfter(int attempt) {
        long millis = initial.toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }
}
