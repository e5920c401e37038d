package io.skylift.migrator.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches, from a session of its own, who holds what this invocation's sessions wait for: the sessions that block
 * a migration's statement ({@code pg_blocking_pids}) and the sessions that hold Flyway's advisory lock. A lock wait
 * that ends in a timeout leaves no trace in PostgreSQL, so the holders are sampled while the wait lasts, to be
 * named when the migration gives up. Reads only {@code pg_stat_activity} and {@code pg_locks}, never query text of
 * other sessions.
 *
 * <p>Only while one of ours waits. {@code pg_blocking_pids} and {@code pg_locks} take every partition lock of
 * PostgreSQL's lock manager, which every session of a busy writer needs too; polled every 250 ms for a whole run they
 * would cost the application something on every deploy, almost always for nothing. So each poll first asks
 * {@code pg_stat_activity} alone (the backend status array, no lock-manager access) whether one of our sessions
 * waits:
 * <ul>
 *   <li>on a heavyweight lock ({@code wait_event_type = 'Lock'}: a DDL statement behind the application): the
 *       blockers are read;</li>
 *   <li>for Flyway's advisory lock: idle after asking for it, with none of ours busy for 100 ms (Flyway polls
 *       {@code pg_try_advisory_lock} and sleeps a second between tries, so its wait is no lock wait PostgreSQL can
 *       see), or another migrator's session is connected to this database (it may hold the lock before our Flyway
 *       even asks for it, and a deadline can end that wait early): the lock's holders are read.</li>
 * </ul>
 * Our own sessions never count as another migrator's. A session shows in {@code pg_stat_activity} a moment before
 * {@link DatabaseConnector#connect()} returns and records its pid, and Flyway opens its sessions while the watch
 * already samples: so a sample taken while the connector recorded a new session is judged again at the next one,
 * and a session counts as another migrator's only once two samples in a row found it unrecorded.
 * A wait-state check was chosen over "start after a statement ran longer than a threshold": it sees a wait from its
 * first poll, whatever the lock timeout, and never reads the lock manager for a statement that is merely slow.
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
    /**
     * How long all of ours must have been quiet, with Flyway's lock asked for last, to count as waiting for it: longer
     * than the gap between two statements of a migration (while Flyway holds its lock), far shorter than Flyway's
     * one-second pause between tries, so a wait is seen at once, even by an invocation with seconds left.
     */
    private static final double FLYWAY_WAIT_QUIET_SECONDS = 0.1;
    /** Cheap: {@code pg_stat_activity} only. Our own sessions' last statements are Flyway's, not the application's. */
    private static final String WAITING = """
            SELECT coalesce(bool_or(wait_event_type = 'Lock'), false) AS lock_wait,
                   coalesce(bool_or(state = 'idle' AND query LIKE '%pg\\_try\\_advisory\\_lock%'), false)
                   AND coalesce(bool_and(state <> 'active'
                                         AND state_change < clock_timestamp() - make_interval(secs => ?)), false)
                   AS flyway_lock_asked,
                   ARRAY(SELECT o.pid FROM pg_stat_activity o
                          WHERE o.application_name = ? AND o.datname = current_database()
                            AND o.pid <> ALL (?::int[]) AND o.pid <> pg_backend_pid()) AS other_migrators
              FROM pg_stat_activity
             WHERE pid = ANY (?::int[]) AND pid <> pg_backend_pid()
            """;
    private static final String BLOCKERS = """
            SELECT a.pid, a.usename, a.application_name, a.state,
                   EXTRACT(EPOCH FROM clock_timestamp() - a.xact_start) AS age
              FROM pg_stat_activity a
             WHERE a.pid IN (SELECT unnest(pg_blocking_pids(w)) FROM unnest(?::int[]) AS w)
               AND a.pid <> ALL (?::int[])
            """;
    private static final String FLYWAY_LOCK_HOLDERS = """
            SELECT a.pid, a.usename, a.application_name, a.state,
                   EXTRACT(EPOCH FROM clock_timestamp() - a.xact_start) AS age
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
    /** Sessions with our application name that the previous sample found unrecorded by the connector. */
    private Set<Integer> unrecordedBefore = Set.of();
    private volatile boolean stopped;

    private LockWatch(DatabaseConnector connector, Duration interval) {
        this.connector = Objects.requireNonNull(connector, "connector must not be null");
        this.interval = Objects.requireNonNull(interval, "interval must not be null");
        this.thread = Thread.ofVirtual().name("skylift-lock-watch").unstarted(this::run);
    }

    /** Starts watching the sessions {@code connector} opens, checking every {@code interval} whether one waits. */
    public static LockWatch start(DatabaseConnector connector, Duration interval) {
        LockWatch watch = new LockWatch(connector, interval);
        watch.thread.start();
        return watch;
    }

    /** The sessions that blocked one of ours the last time any did; empty when none was seen. */
    public List<BlockingSession> blockers() {
        return blockers;
    }

    /** The other sessions holding Flyway's lock at the last check, if this invocation was waiting for it then. */
    public List<BlockingSession> flywayLockHolders() {
        return flywayLockHolders;
    }

    private void run() {
        try (Connection connection = connector.connect();
             PreparedStatement waiting = connection.prepareStatement(WAITING);
             PreparedStatement blocking = connection.prepareStatement(BLOCKERS);
             PreparedStatement holding = connection.prepareStatement(FLYWAY_LOCK_HOLDERS)) {
            while (!stopped) {
                sample(waiting, blocking, holding);
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

    private void sample(PreparedStatement waiting, PreparedStatement blocking, PreparedStatement holding)
            throws SQLException {
        Set<Integer> recorded = connector.backendPids();
        var ours = waiting.getConnection().createArrayOf("int4", recorded.toArray(Integer[]::new));
        waiting.setDouble(1, FLYWAY_WAIT_QUIET_SECONDS);
        waiting.setString(2, DatabaseTarget.APPLICATION_NAME);
        waiting.setArray(3, ours);
        waiting.setArray(4, ours);
        boolean lockWait;
        boolean flywayLockAsked;
        Set<Integer> unrecorded = new HashSet<>();
        try (ResultSet row = waiting.executeQuery()) {
            row.next();
            lockWait = row.getBoolean("lock_wait");
            flywayLockAsked = row.getBoolean("flyway_lock_asked");
            for (Integer pid : (Integer[]) row.getArray("other_migrators").getArray()) {
                unrecorded.add(pid);
            }
        }
        if (!connector.backendPids().equals(recorded)) {
            // A session of ours opened meanwhile: this sample may have taken it for another migrator's, or a
            // blocker, or left it out of "all of ours quiet". The next one judges with it recorded.
            unrecordedBefore = Set.of();
            return;
        }
        // One sample can catch a session of ours between its start and connect() recording it; two cannot.
        boolean anotherMigrator = unrecorded.stream().anyMatch(unrecordedBefore::contains);
        unrecordedBefore = Set.copyOf(unrecorded);
        if (lockWait) {
            blocking.setArray(1, ours);
            blocking.setArray(2, ours);
            List<BlockingSession> found = sessions(blocking);
            if (!found.isEmpty()) {
                blockers = found;
            }
        }
        if (flywayLockAsked || anotherMigrator) {
            holding.setLong(1, FLYWAY_LOCK_BASE + Integer.MIN_VALUE);
            holding.setLong(2, FLYWAY_LOCK_BASE + Integer.MAX_VALUE);
            holding.setArray(3, ours);
            flywayLockHolders = sessions(holding);
        } else {
            flywayLockHolders = List.of();
        }
    }

    private static List<BlockingSession> sessions(PreparedStatement query) throws SQLException {
        List<BlockingSession> sessions = new ArrayList<>();
        try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                double age = rows.getDouble("age");
                Duration transactionAge = rows.wasNull() ? null : Duration.ofMillis((long) (age * 1000));
                sessions.add(new BlockingSession(rows.getInt("pid"), rows.getString("usename"),
                        rows.getString("application_name"), rows.getString("state"), transactionAge));
            }
        }
        return List.copyOf(sessions);
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
