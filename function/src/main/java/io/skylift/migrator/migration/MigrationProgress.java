package io.skylift.migrator.migration;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * Follows a migrate as it runs, so that a timeout can say which migration was running. Read from the watchdog's
 * thread while Flyway's thread writes.
 */
public final class MigrationProgress implements Callback {
    private final List<MigrationSummary> applied = new CopyOnWriteArrayList<>();
    private volatile MigrationSummary running;
    private volatile boolean runningInTransaction = true;

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        if (context.getMigrationInfo() == null) {
            return;
        }
        if (event == Event.BEFORE_EACH_MIGRATE) {
            runningInTransaction = FlywayInternals.runsInTransaction(context.getMigrationInfo());
            running = MigrationSummary.of(context.getMigrationInfo());
        } else {
            applied.add(MigrationSummary.of(context.getMigrationInfo()));
            running = null;
        }
    }

    @Override
    public String getCallbackName() {
        return "skylift-progress";
    }

    /** Whether the migration being applied runs in a transaction (so cancelling it rolls it back). */
    public boolean runningInTransaction() {
        return runningInTransaction;
    }

    /** The migrations applied (and committed) so far, in order. */
    public List<MigrationSummary> applied() {
        return List.copyOf(applied);
    }

    /** The migration being applied now, or null. */
    public MigrationSummary running() {
        return running;
    }
}
