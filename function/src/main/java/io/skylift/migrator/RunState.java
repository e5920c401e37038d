package io.skylift.migrator;

import io.skylift.migrator.database.BlockingSession;
import io.skylift.migrator.database.DatabaseConnector;
import io.skylift.migrator.database.LockWatch;
import io.skylift.migrator.migration.MigrationProgress;
import java.util.List;

/**
 * What one run of {@link Migrator} holds open and has learned: the connector of its current attempt (a second attempt,
 * after the secrets were read again, replaces the first's), the lock watch that names who blocks Flyway, and the
 * progress of the migrations, and whether it stored a new drift reference. The watchdog cancels and aborts through it from another thread; closing it closes what
 * it holds.
 */
final class RunState implements AutoCloseable {
    private final MigrationProgress progress = new MigrationProgress();
    private volatile DatabaseConnector connector;
    private volatile LockWatch watch;
    private volatile boolean referenceTaken;

    MigrationProgress progress() {
        return progress;
    }

    /** The run's current connector; null before the run connected. */
    DatabaseConnector connector() {
        return connector;
    }

    /** Makes {@code next} the current connector, closing the previous attempt's. */
    synchronized void connectWith(DatabaseConnector next) {
        DatabaseConnector previous = connector;
        connector = next;
        if (previous != null) {
            previous.close();
        }
    }

    /** Makes {@code next} the current lock watch, closing the previous attempt's. */
    synchronized void watchWith(LockWatch next) {
        LockWatch previous = watch;
        watch = next;
        if (previous != null) {
            previous.close();
        }
    }

    /** The run stored a new drift reference (its table may be new, and the planner needs SELECT on it). */
    void referenceTaken() {
        referenceTaken = true;
    }

    boolean tookReference() {
        return referenceTaken;
    }

    /** Who holds Flyway's lock, as the lock watch last saw it; empty before Flyway ran. */
    List<BlockingSession> flywayLockHolders() {
        LockWatch current = watch;
        return current == null ? List.of() : current.flywayLockHolders();
    }

    /** The watchdog's first step: cancel the running statement. */
    void cancelRunningWork() {
        DatabaseConnector current = connector;
        if (current != null) {
            current.cancelRunningWork();
        }
    }

    /** The watchdog's last step: close every connection without waiting for the server. */
    void abortAll() {
        DatabaseConnector current = connector;
        if (current != null) {
            current.abortAll();
        }
    }

    @Override
    public synchronized void close() {
        if (watch != null) {
            watch.close();
        }
        if (connector != null) {
            connector.close();
        }
    }
}
