package io.skylift.migrator.deadline;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs work on its own thread and gives up on it at the deadline (or when a {@link StopSignal} asks, as the task's
 * SIGTERM does), so the caller can always answer in time.
 * At the deadline it starts {@code cancel} (which cancels the running SQL statement: PostgreSQL rolls it back) and
 * lets the work wind down for a short grace period; work that still finishes well in that period is the result. Then
 * it starts {@code abort} and interrupts the work's thread.
 *
 * <p>{@code cancel} and {@code abort} run on threads of their own and are waited for only briefly: a cancel opens a
 * new connection to the database, and on a black-holed network that connection hangs, while the answer cannot wait.
 * The caller's time after the deadline is thus bounded by {@code grace} plus {@link #ABORT_WAIT}.
 */
public final class Watchdog {
    /** How long the abort (closing sockets) is waited for before the caller moves on to answer. */
    public static final Duration ABORT_WAIT = Duration.ofMillis(500);

    private final Duration grace;

    /** @param grace how long cancelled work may take to roll back (or finish) before its connections are aborted */
    public Watchdog(Duration grace) {
        this.grace = Objects.requireNonNull(grace, "grace must not be null");
    }

    /**
     * @return the work's result, also when it finished in the grace period after the deadline
     * @throws DeadlineExceededException when the deadline (and the grace period) passed first, or the caller's thread
     *                                   was interrupted
     * @throws RuntimeException          the work's own unchecked exception, unchanged
     */
    public <T> T call(Callable<T> work, Deadline deadline, Runnable cancel, Runnable abort) {
        return call(work, deadline, StopSignal.never(), cancel, abort);
    }

    /**
     * As {@link #call(Callable, Deadline, Runnable, Runnable)}, and a {@code stop} signalled before the deadline
     * winds the work down the same way at once: cancel, the grace period, abort.
     */
    public <T> T call(Callable<T> work, Deadline deadline, StopSignal stop, Runnable cancel, Runnable abort) {
        CountDownLatch wake = new CountDownLatch(1);
        FutureTask<T> task = new FutureTask<>(work) {
            @Override
            protected void done() {
                wake.countDown();
            }
        };
        Thread worker = Thread.ofPlatform().name("skylift-migration").daemon(true).unstarted(task);
        worker.start();
        try (StopSignal.Registration ignored = stop.onStop(wake::countDown)) {
            wake.await(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
            if (!task.isDone()) {
                return windDown(task, worker, cancel, abort);
            }
            return task.get();
        } catch (ExecutionException e) {
            throw unwrap(e);
        } catch (InterruptedException e) {
            // Whoever interrupted us wants an answer now: stop the work without waiting for it.
            inBackground("skylift-cancel", cancel);
            inBackground("skylift-abort", abort);
            worker.interrupt();
            Thread.currentThread().interrupt();
            throw new DeadlineExceededException();
        }
    }

    private <T> T windDown(FutureTask<T> task, Thread worker, Runnable cancel, Runnable abort) {
        inBackground("skylift-cancel", cancel);
        boolean interrupted = false;
        try {
            return task.get(grace.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException stillRunningOrCancelled) {
            // Still running, or ended by the cancel (its failure is the cancel's, not the work's own): stop it.
        } catch (InterruptedException e) {
            interrupted = true;
        }
        Thread aborter = inBackground("skylift-abort", abort);
        try {
            aborter.join(ABORT_WAIT);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        worker.interrupt();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        throw new DeadlineExceededException();
    }

    private static Thread inBackground(String name, Runnable action) {
        return Thread.ofPlatform().name(name).daemon(true).start(action);
    }

    private static RuntimeException unwrap(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(cause);
    }

    /** The deadline passed before the work finished; the work was cancelled. */
    public static final class DeadlineExceededException extends RuntimeException {
        public DeadlineExceededException() {
            super("deadline exceeded", null, false, false);
        }
    }
}
