package io.skylift.migrator.migration;

import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * Lifts the session's short {@code lock_timeout} around each {@code CONCURRENTLY} statement of a non-transactional
 * migration ({@link ConcurrentlyStatements}), and restores it after. Such a statement by design waits for every older
 * transaction in the database to end, while holding only a lock that lets the application read and write; cutting
 * that wait short would gain the application nothing and leave an INVALID index behind. The wait stays bounded by
 * the deadline: the watchdog cancels it. Every other statement of the migration (an {@code ALTER TABLE} beside the
 * index build) keeps the short timeout, so it cannot queue the application's queries behind it for long.
 */
final class ConcurrentlyLockWait implements Callback {

    @Override
    public boolean supports(Event event, Context context) {
        return (event == Event.BEFORE_EACH_MIGRATE_STATEMENT || event == Event.AFTER_EACH_MIGRATE_STATEMENT
                || event == Event.AFTER_EACH_MIGRATE_STATEMENT_ERROR)
                && context.getStatement() != null
                && ConcurrentlyStatements.waitsForOlderTransactions(context.getStatement().getSql())
                // In a transaction PostgreSQL refuses the statement anyway, and a RESET in the aborted transaction
                // would hide its error.
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
        String sql = event == Event.BEFORE_EACH_MIGRATE_STATEMENT ? "SET lock_timeout = 0" : "RESET lock_timeout";
        try (Statement statement = context.getConnection().createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new FlywayException("Could not " + sql + " around a CONCURRENTLY statement: " + e.getMessage(), e);
        }
    }

    @Override
    public String getCallbackName() {
        return "skylift-concurrently-lock-wait";
    }
}
