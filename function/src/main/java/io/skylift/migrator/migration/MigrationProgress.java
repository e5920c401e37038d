package io.skylift.migrator.migration;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * Follows a migrate as it runs, so a timeout or failure can say which migration was running and which were
 * applied before it. Read from the watchdog's thread while Flyway's thread writes.
 */
public final class MigrationProgress implements Callback {
    private volatile MigrationSummary running;
    private final List<MigrationSummary> applied = new CopyOnWriteArrayList<>();

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
        MigrationSummary migration = MigrationSummary.of(context.getMigrationInfo());
        if (event == Event.BEFORE_EACH_MIGRATE) {
            running = migration;
        } else {
            applied.add(migration);
            running = null;
        }
    }

    @Override
    public String getCallbackName() {
        return "skylift-progress";
    }

    /** The migration being applied now, or null. */
    public MigrationSummary running() {
        return running;
    }

    public List<MigrationSummary> applied() {
        return List.copyOf(applied);
    }
}
