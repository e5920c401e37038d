package io.skylift.migrator.migration;

import io.skylift.migrator.database.BlockingSession;
import io.skylift.migrator.deadline.Deadline;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * How a transactional migration that hit PostgreSQL's lock timeout is tried again: up to {@code retries} more
 * times, after a pause that starts at the lock timeout (at most 1 s) and doubles up to 30 s, with jitter (half to
 * all of it) so that invocations and application retries do not fall into step; never when the next attempt could
 * not finish its lock wait before the deadline.
 *
 * @param lockTimeout the sessions' {@code lock_timeout}
 * @param retries     how many more attempts after the first; 0 never retries
 * @param deadline    when the work must have stopped
 * @param blockers    the sessions seen holding the lock, for log lines and the reason
 */
public record LockRetry(Duration lockTimeout, int retries, Deadline deadline,
                        Supplier<List<BlockingSession>> blockers) {
    private static final Duration MAX_PAUSE = Duration.ofSeconds(30);

    public LockRetry {
        Objects.requireNonNull(lockTimeout, "lockTimeout must not be null");
        Objects.requireNonNull(deadline, "deadline must not be null");
        Objects.requireNonNull(blockers, "blockers must not be null");
    }

    /** The pause before retry {@code n} (1-based), jittered; empty when no retry {@code n} should happen. */
    java.util.Optional<Duration> pauseBefore(int n) {
        if (n > retries) {
            return java.util.Optional.empty();
        }
        long base = Math.min(lockTimeout.toMillis(), 1_000L) << Math.min(n - 1, 16);
        long capped = Math.min(base, MAX_PAUSE.toMillis());
        long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        Duration pause = Duration.ofMillis(jittered);
        // The next attempt may wait a whole lock timeout; it must still end (and be answered) before the deadline.
        if (deadline.remaining().compareTo(pause.plus(lockTimeout).plusSeconds(1)) <= 0) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(pause);
    }
}
