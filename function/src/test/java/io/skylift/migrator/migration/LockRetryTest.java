package io.skylift.migrator.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.skylift.migrator.deadline.Deadline;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LockRetryTest {

    private static LockRetry retry(Duration lockTimeout, int retries, Duration timeLeft) {
        return new LockRetry(lockTimeout, retries, Deadline.after(timeLeft), List::of);
    }

    @Test
    void pauses_double_from_one_second_up_to_thirty_with_jitter_between_half_and_all_of_it() {
        LockRetry retry = retry(Duration.ofSeconds(5), 8, Duration.ofMinutes(10));
        long[] full = {1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000};
        for (int n = 1; n <= full.length; n++) {
            for (int sample = 0; sample < 50; sample++) {
                long pause = retry.pauseBefore(n).orElseThrow().toMillis();
                assertThat(pause).as("pause before retry %d", n).isBetween(full[n - 1] / 2, full[n - 1]);
            }
        }
    }

    @Test
    void a_short_lock_timeout_starts_the_backoff_lower() {
        assertThat(retry(Duration.ofMillis(200), 1, Duration.ofMinutes(1)).pauseBefore(1).orElseThrow().toMillis())
                .isBetween(100L, 200L);
    }

    @Test
    void no_retry_beyond_the_count_or_when_the_attempt_could_not_end_before_the_deadline() {
        assertThat(retry(Duration.ofSeconds(5), 2, Duration.ofMinutes(10)).pauseBefore(3)).isEmpty();
        assertThat(retry(Duration.ofSeconds(5), 0, Duration.ofMinutes(10)).pauseBefore(1)).isEmpty();
        Optional<Duration> tooLate = retry(Duration.ofSeconds(5), 5, Duration.ofSeconds(6)).pauseBefore(1);
        assertThat(tooLate).as("pause + a whole lock timeout + 1 s does not fit in 6 s").isEmpty();
    }
}
