package io.skylift.migrator.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches, from a session of its own, who holds what this invocation's sessions wait for: the sessions that block
 * a migration's statement ({@code pg_blocking_pids}) and the sessions that hold Flyway's advisory lock. A lock wait
 * that ends in a timeout leaves no trace in PostgreSQL, so the holders are sampled while the wait lasts, to be
 * named when the migration gives up. Reads only {@code pg_stat_activity} and {@code pg_locks}, never query text.
 *
 * <p>Best effort: a watch that cannot connect or query names no one; it never fails the migration.
 */
public final class LockWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LockWatch.class);
    /**
     * Flyway's PostgreSQL lock key is "Flyway" in ASCII (0x466C79776179) plus the hash of the schema-history
     * table's name, an int: every key of that range is Flyway's.
     */
    private static final long FLYWAY_LOCK_BASE = 0x466C79776179L;
    private static final String QUERY = """
            SELECT 'blocker' AS kind, a.pid, a.usename, a.application_name, a.state,
                   EXTRACT(EPOCH FROM clock_timestamp() - a.xact_start) AS age
              FROM pg_stat_activity a
             WHERE a.pid IN (SELECT unnest(pg_blocking_pids(w)) FROM unnest(?::int[]) AS w)
               AND a.pid <> ALL (?::int[])
            UNION ALL
            SELECT 'flyway-lock', a.pid, a.usename, a.application_name, a.state,
                   EXTRACT(EPOCH FROM clock_timestamp() - a.xact_start)
              FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
               AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND ((l.classid::bigint << 32) | l.objid::bigint) BETWEEN ? AND ?
               AND a.pid <> ALL (?::int[])
            """;

    private final DatabaseConnector connector;
    private final Duration interval;
    private final Thread thread;
    private volatile List<BlockingSession> blockers = List.of();
    private volatile List<BlockingSession> flywayLockHolders = List.of();
    private volatile boolean stopped;

    private LockWatch(DatabaseConnector connector, Duration interval) {
        this.connector = Objects.requireNonNull(connector, "connector must not be null");
        this.interval = Objects.requireNonNull(interval, "interval must not be null");
        this.thread = Thread.ofVirtual().name("skylift-lock-watch").unstarted(this::run);
    }

    /** Starts watching the sessions {@code connector} opens, sampling every {@code interval}. */
    public static LockWatch start(DatabaseConnector connector, Duration interval) {
        LockWatch watch = new LockWatch(connector, interval);
        watch.thread.start();
        return watch;
    }

    /** The sessions that blocked one of ours the last time any did; empty when none was seen. */
    public List<BlockingSession> blockers() {
        return blockers;
    }

    /** The other sessions holding Flyway's lock at the last sample. */
    public List<BlockingSession> flywayLockHolders() {
        return flywayLockHolders;
    }

    private void run() {
        try (Connection connection = connector.connect();
             PreparedStatement statement = connection.prepareStatement(QUERY)) {
            while (!stopped) {
                sample(statement);
                Thread.sleep(interval);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | SQLException e) {
            if (!stopped) {
                LOG.debug("Lock watch stopped: {}", e.toString());
            }
        }
    }

    private void sample(PreparedStatement statement) throws SQLException {
        Integer[] ours = connector.backendPids().toArray(Integer[]::new);
        var array = statement.getConnection().createArrayOf("int4", ours);
        statement.setArray(1, array);
        statement.setArray(2, array);
        statement.setLong(3, FLYWAY_LOCK_BASE + Integer.MIN_VALUE);
        statement.setLong(4, FLYWAY_LOCK_BASE + Integer.MAX_VALUE);
        statement.setArray(5, array);
        List<BlockingSession> blocking = new ArrayList<>();
        List<BlockingSession> holding = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                double age = rows.getDouble("age");
                Duration transactionAge = rows.wasNull() ? null : Duration.ofMillis((long) (age * 1000));
                BlockingSession session = new BlockingSession(rows.getInt("pid"), rows.getString("usename"),
                        rows.getString("application_name"), rows.getString("state"), transactionAge);
                ("blocker".equals(rows.getString("kind")) ? blocking : holding).add(session);
            }
        }
        if (!blocking.isEmpty()) {
            blockers = List.copyOf(blocking);
        }
        flywayLockHolders = List.copyOf(holding);
    }

    /** Stops sampling; the last samples stay readable. The watch's own session closes with it. */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
