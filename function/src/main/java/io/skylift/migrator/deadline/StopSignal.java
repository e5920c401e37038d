package io.skylift.migrator.deadline;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A request from outside to stop the work now, as the deadline would (the task's SIGTERM): the {@link Watchdog}
 * cancels the running statement and winds the work down. The first {@link #stop} wins; later ones change nothing.
 */
public final class StopSignal {
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile StopReason reason;

    /** A signal not stopped yet. */
    public StopSignal() {
        // stopped by stop()
    }

    /** A signal nobody stops, for work that ends only at its deadline or when it finishes. */
    public static StopSignal never() {
        return new StopSignal();
    }

    /** Asks the work to stop for {@code why}; runs every listener on the caller's thread. */
    public void stop(StopReason why) {
        Objects.requireNonNull(why, "why must not be null");
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why;
        }
        listeners.forEach(Runnable::run);
    }

    /** Why the work was asked to stop, empty while nobody has. */
    public Optional<StopReason> reason() {
        return Optional.ofNullable(reason);
    }

    /**
     * Runs {@code listener} when the signal is stopped (at once when it already is) until the returned registration
     * is closed. A listener registered while the signal is being stopped may run twice: make it idempotent.
     */
    public Registration onStop(Runnable listener) {
        Objects.requireNonNull(listener, "listener must not be null");
        listeners.add(listener);
        if (reason != null) {
            listener.run();
        }
        return () -> listeners.remove(listener);
    }

    /** Ends a listener's registration. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
