package io.skylift.migrator.deadline;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs work on its own thread and gives up on it at the deadline, so the caller can always answer in time.
 * At the deadline it calls {@code cancel} (which cancels the running SQL statement: PostgreSQL rolls it back),
 * lets the work wind down for a short grace period, then calls {@code abort} and interrupts the thread.
 */
public final class Watchdog {
    private final Duration grace;

    /** @param grace how long cancelled work may take to roll back before its connections are aborted */
    public Watchdog(Duration grace) {
        this.grace = Objects.requireNonNull(grace, "grace must not be null");
    }

    /**
     * @return the work's result
     * @throws DeadlineExceededException when the deadline passed first
     * @throws RuntimeException          the work's own unchecked exception, unchanged
     */
    public <T> T call(Callable<T> work, Deadline deadline, Runnable cancel, Runnable abort) {
        FutureTask<T> task = new FutureTask<>(work);
        Thread worker = Thread.ofPlatform().name("skylift-migration").daemon(true).unstarted(task);
        worker.start();
        try {
            return task.get(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            cancel.run();
            try {
                task.get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException | RuntimeException stillRunningOrFailed) {
                // the deadline has passed either way; what the work did in the grace period does not matter
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            abort.run();
            worker.interrupt();
            throw new DeadlineExceededException();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel.run();
            abort.run();
            throw new DeadlineExceededException();
        }
    }

    /** The deadline passed before the work finished; the work was cancelled. */
    public static final class DeadlineExceededException extends RuntimeException {
        public DeadlineExceededException() {
            super("deadline exceeded", null, false, false);
        }
    }
}
