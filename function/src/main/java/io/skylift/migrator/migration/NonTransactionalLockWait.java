package io.skylift.migrator.migration;

import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * Lifts the session's short {@code lock_timeout} for the length of a non-transactional migration, and restores it
 * after. Such migrations exist for {@code CREATE INDEX CONCURRENTLY} and its kin, which by design wait for every
 * older transaction in the database to end, while holding only a lock that lets the application read and write;
 * cutting that wait short would gain the application nothing and leave an INVALID index behind. The wait stays
 * bounded by the deadline: the watchdog cancels it.
 */
final class NonTransactionalLockWait implements Callback {

    @Override
    public boolean supports(Event event, Context context) {
        return (event == Event.BEFORE_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE
                || event == Event.AFTER_EACH_MIGRATE_ERROR)
                && context.getMigrationInfo() != null
                && !FlywayInternals.runsInTransaction(context.getMigrationInfo());
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        // RESET returns to the session's default, the lock_timeout it was opened with.
        String sql = event == Event.BEFORE_EACH_MIGRATE ? "SET lock_timeout = 0" : "RESET lock_timeout";
        try (Statement statement = context.getConnection().createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new FlywayException("Could not " + sql + " around a non-transactional migration: " + e.getMessage(), e);
        }
    }

    @Override
    public String getCallbackName() {
        return "skylift-non-transactional-lock-wait";
    }
}
