package io.skylift.migrator.migration;

import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * Follows a migrate as it runs, so that a timeout can say which migration was running. Read from the watchdog's
 * thread while Flyway's thread writes.
 */
public final class MigrationProgress implements Callback {
    private volatile MigrationSummary running;

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
        running = event == Event.BEFORE_EACH_MIGRATE ? MigrationSummary.of(context.getMigrationInfo()) : null;
    }

    @Override
    public String getCallbackName() {
        return "skylift-progress";
    }

    /** The migration being applied now, or null. */
    public MigrationSummary running() {
        return running;
    }
}
