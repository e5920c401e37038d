package io.skylift.migrator.deadline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The watchdog on real threads: what the caller gets, and how long it waits, when the work overruns. */
class WatchdogTest {
    private static final Runnable NOTHING = () -> { };

    private static Runnable sleeping(Duration duration) {
        return () -> {
            try {
                Thread.sleep(duration);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Test
    void work_that_finishes_within_the_deadline_is_returned() {
        assertThat(new Watchdog(Duration.ofSeconds(1)).call(() -> "done", Deadline.after(Duration.ofSeconds(5)),
                NOTHING, NOTHING)).isEqualTo("done");
    }

    @Test
    void work_that_finishes_successfully_in_the_grace_period_is_the_success_it_was() {
        AtomicBoolean aborted = new AtomicBoolean();
        String result = new Watchdog(Duration.ofSeconds(2)).call(() -> {
            Thread.sleep(400);
            return "migrated";
        }, Deadline.after(Duration.ofMillis(100)), NOTHING, () -> aborted.set(true));

        assertThat(result).isEqualTo("migrated");
        assertThat(aborted).as("nothing to abort").isFalse();
    }

    @Test
    void work_still_running_after_the_grace_period_is_aborted_and_reported_as_past_the_deadline()
            throws InterruptedException {
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicBoolean aborted = new AtomicBoolean();
        assertThatThrownBy(() -> new Watchdog(Duration.ofMillis(200)).call(() -> {
            try {
                Thread.sleep(Duration.ofMinutes(1));
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return "too late";
        }, Deadline.after(Duration.ofMillis(100)), NOTHING, () -> aborted.set(true)))
                .isInstanceOf(Watchdog.DeadlineExceededException.class);
        assertThat(aborted).isTrue();
        assertThat(interrupted.await(2, TimeUnit.SECONDS)).as("the work's thread was interrupted").isTrue();
    }

    @Test
    void a_cancel_that_hangs_on_a_black_holed_network_does_not_hold_the_caller() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> new Watchdog(Duration.ofMillis(300)).call(() -> {
            Thread.sleep(Duration.ofMinutes(1));
            return "never";
        }, Deadline.after(Duration.ofMillis(200)), sleeping(Duration.ofSeconds(10)), NOTHING))
                .isInstanceOf(Watchdog.DeadlineExceededException.class);
        assertThat(millisSince(start)).as("deadline + grace, not the cancel's 10 s").isLessThan(1_500);
    }

    @Test
    void an_abort_that_hangs_does_not_hold_the_caller_beyond_its_short_wait() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> new Watchdog(Duration.ofMillis(300)).call(() -> {
            Thread.sleep(Duration.ofMinutes(1));
            return "never";
        }, Deadline.after(Duration.ofMillis(200)), NOTHING, sleeping(Duration.ofSeconds(10))))
                .isInstanceOf(Watchdog.DeadlineExceededException.class);
        assertThat(millisSince(start)).as("deadline + grace + the abort's wait")
                .isLessThan(500 + Watchdog.ABORT_WAIT.toMillis() + 700);
    }

    @Test
    void a_failure_of_the_work_is_passed_through_unchanged() {
        IllegalStateException failure = new IllegalStateException("V5 failed");
        assertThatThrownBy(() -> new Watchdog(Duration.ofSeconds(1)).call(() -> {
            throw failure;
        }, Deadline.after(Duration.ofSeconds(5)), NOTHING, NOTHING)).isSameAs(failure);
    }

    @Test
    void a_stop_before_the_deadline_cancels_the_work_at_once_and_lets_it_wind_down() {
        StopSignal stop = new StopSignal();
        CountDownLatch cancelled = new CountDownLatch(1);
        AtomicBoolean aborted = new AtomicBoolean();
        Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stop.stop(new StopReason("Stopped on SIGTERM", " Start it again."));
        });
        long start = System.nanoTime();

        assertThatThrownBy(() -> new Watchdog(Duration.ofSeconds(5)).call(() -> {
            // The statement ends when it is cancelled, as PostgreSQL ends a cancelled one.
            cancelled.await();
            throw new IllegalStateException("canceling statement due to user request");
        }, Deadline.after(Duration.ofHours(1)), stop, cancelled::countDown, () -> aborted.set(true)))
                .isInstanceOf(Watchdog.DeadlineExceededException.class);

        assertThat(millisSince(start)).as("the stop, not the hour's deadline nor the whole grace").isLessThan(2_000);
        assertThat(aborted).as("the connections are closed after the work wound down").isTrue();
    }

    @Test
    void a_stop_signalled_before_the_call_winds_the_work_down_without_waiting_for_the_deadline() {
        StopSignal stop = new StopSignal();
        stop.stop(new StopReason("Stopped on SIGTERM", " Start it again."));
        long start = System.nanoTime();

        assertThatThrownBy(() -> new Watchdog(Duration.ofMillis(200)).call(() -> {
            Thread.sleep(Duration.ofMinutes(1));
            return "never";
        }, Deadline.after(Duration.ofHours(1)), stop, NOTHING, NOTHING))
                .isInstanceOf(Watchdog.DeadlineExceededException.class);
        assertThat(millisSince(start)).isLessThan(1_500);
    }

    @Test
    void the_first_stop_reason_is_the_one_reported() {
        StopSignal stop = new StopSignal();
        StopReason first = new StopReason("Stopped on SIGTERM", " Start it again.");

        stop.stop(first);
        stop.stop(new StopReason("Stopped at the task's time limit", " Raise it."));

        assertThat(stop.reason()).contains(first);
        assertThat(new WorkLimit(Deadline.after(Duration.ZERO), new StopReason("deadline", " ."), stop).stopReason())
                .isEqualTo(first);
    }
}
