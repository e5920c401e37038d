package io.skylift.image.bench;

import io.skylift.migrator.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * What one tool asked of the database in a run, from PostgreSQL's own counters ({@code pg_stat_database}): sessions
 * opened, transactions, and the time the server spent running statements. Unlike wall time these hardly move with the
 * machine's load, and they split a tool's time into the database's part and its own.
 *
 * @param sessions     sessions opened in the database
 * @param transactions transactions committed or rolled back (an autocommit statement is one)
 * @param activeMillis time the server spent executing statements, in ms
 */
record DatabaseActivity(long sessions, long transactions, double activeMillis) {
    private static final String QUERY = """
            SELECT numbackends, sessions, xact_commit + xact_rollback, active_time
              FROM pg_stat_database WHERE datname = ?""";

    /**
     * The counters of {@code database} once no session is left in it (a session's counters reach the statistics when
     * it ends), read from another database's session so the reading adds nothing to them.
     */
    static DatabaseActivity of(TestDatabase database, TestDatabase observer) {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        try (Connection connection = observer.adminConnection();
             PreparedStatement statement = connection.prepareStatement(QUERY)) {
            statement.setString(1, database.databaseName());
            while (true) {
                try (ResultSet rows = statement.executeQuery()) {
                    if (!rows.next()) {
                        throw new IllegalStateException("no statistics for database " + database.databaseName());
                    }
                    if (rows.getInt(1) == 0 || System.nanoTime() > until) {
                        return new DatabaseActivity(rows.getLong(2), rows.getLong(3), rows.getDouble(4));
                    }
                }
                Thread.sleep(50);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the statistics of " + database.databaseName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading statistics", e);
        }
    }

    /** What happened between {@code before} and this reading. */
    DatabaseActivity since(DatabaseActivity before) {
        return new DatabaseActivity(sessions - before.sessions, transactions - before.transactions,
                activeMillis - before.activeMillis);
    }
}
