package io.skylift.migrator.database;

import io.skylift.migrator.deadline.Deadline;
import io.skylift.migrator.failure.AuthenticationFailedException;
import io.skylift.migrator.failure.DatabaseUnavailableException;
import io.skylift.migrator.failure.ErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.postgresql.Driver;
import org.postgresql.PGConnection;

/**
 * Opens connections for one invocation. Failures are classified by cause ({@link TlsFailure} explains TLS ones,
 * {@link ConnectFailure} the rest): refused and
 * timed-out attempts (Aurora resuming) are retried with backoff for a bounded window, never past the deadline;
 * an unknown host, a TLS failure or refused credentials are reported at once with what to check. Every connection
 * it opened is tracked, so the watchdog can cancel the running statement and {@link #close()} can make sure none
 * outlives the invocation (an idle connection keeps Aurora Serverless from pausing).
 *
 * <p>Sessions are reused within the invocation ({@link #session()}): each new one costs a TLS handshake, a SCRAM
 * exchange and, on the server, a backend process, where a session that the probe or one of Flyway's commands has
 * finished with serves the next as well, reset to how it started.
 */
public final class DatabaseConnector implements AutoCloseable {
    private final DatabaseTarget target;
    private final Deadline deadline;
    private final Duration connectTimeout;
    private final Duration retryWindow;
    private final ConnectRetryPolicy retryPolicy;
    private final PasswordSource passwords;
    /**
     * What {@link DatabaseTarget#connectionProperties} gives a session at its start, set again after
     * {@code DISCARD ALL} (which resets those too): the lock watch knows our sessions by the application name, and the
     * application's queries must never queue behind ours for longer than the lock timeout.
     */
    private static final String RESTART =
            "SELECT set_config('application_name', ?, false), set_config('lock_timeout', ?, false)";
    private final Driver driver = new Driver();
    private final List<Connection> opened = new CopyOnWriteArrayList<>();
    private final Set<Integer> backendPids = ConcurrentHashMap.newKeySet();
    /** A session its last user gave back, reset, for the next {@link #session()}; at most one waits. */
    private final AtomicReference<Connection> idle = new AtomicReference<>();
    private volatile boolean closed;

    /**
     * @param retryWindow how long refused and timed-out attempts are retried, counted from the first attempt
     */
    public DatabaseConnector(DatabaseTarget target, Deadline deadline, Duration connectTimeout, Duration retryWindow,
                             ConnectRetryPolicy retryPolicy) {
        this(target, deadline, connectTimeout, retryWindow, retryPolicy, target::password);
    }

    /**
     * @param passwords asked once per login attempt (an IAM token is signed for each); the target's own password is
     *                  not used
     */
    public DatabaseConnector(DatabaseTarget target, Deadline deadline, Duration connectTimeout, Duration retryWindow,
                             ConnectRetryPolicy retryPolicy, PasswordSource passwords) {
        this.passwords = Objects.requireNonNull(passwords, "passwords must not be null");
        this.target = Objects.requireNonNull(target, "target must not be null");
        this.deadline = Objects.requireNonNull(deadline, "deadline must not be null");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout must not be null");
        this.retryWindow = Objects.requireNonNull(retryWindow, "retryWindow must not be null");
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy must not be null");
    }

    /**
     * Opens a connection, retrying refused and timed-out attempts within the retry window and the deadline.
     *
     * @throws AuthenticationFailedException when the database refuses the credentials
     * @throws DatabaseUnavailableException  when no connection could be opened in time, or the failure is permanent
     */
    public Connection connect() {
        TlsFailure.checkRootCertificate(target).ifPresent(reason -> {
            throw new DatabaseUnavailableException(ErrorCode.DATABASE_TLS, reason);
        });
        long started = System.nanoTime();
        int attempt = 0;
        while (true) {
            attempt++;
            refuseWhenClosed();
            try {
                Connection connection = driver.connect(target.jdbcUrl(),
                        target.connectionProperties(attemptTimeoutSeconds(), passwords.password()));
                if (connection == null) {
                    throw new DatabaseUnavailableException(ErrorCode.DATABASE_CONNECTION, "'" + target.describe()
                            + "' is not a PostgreSQL JDBC URL: use jdbc:postgresql://host:port/database");
                }
                opened.add(connection);
                backendPids.add(connection.unwrap(PGConnection.class).getBackendPID());
                // Added before the check, so close() either sees it or this check sees close(): none escapes.
                if (closed) {
                    closeQuietly(connection);
                    refuseWhenClosed();
                }
                return connection;
            } catch (SQLException e) {
                var tlsFailure = TlsFailure.explain(e, target);
                if (tlsFailure.isPresent()) {
                    throw new DatabaseUnavailableException(ErrorCode.DATABASE_TLS, tlsFailure.get());
                }
                ConnectFailure failure = ConnectFailure.classify(e);
                if (!failure.retryable()) {
                    throw failure.toException(target);
                }
                Duration pause = retryPolicy.pauseAfter(attempt);
                Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
                if (deadline.remaining().compareTo(pause) <= 0 || elapsed.plus(pause).compareTo(retryWindow) > 0) {
                    throw new DatabaseUnavailableException(ErrorCode.DATABASE_UNREACHABLE, "Could not connect to "
                            + target.describe() + " after " + attempt + " attempt(s) in " + elapsed.toSeconds()
                            + " s (" + failure.summary() + "). Aurora Serverless v2 takes 15-30 s to resume from "
                            + "auto-pause; check that the cluster is available and that its security group admits the "
                            + "migrator on 5432 (retried for up to DB_CONNECT_RETRY_WINDOW_SECONDS="
                            + retryWindow.toSeconds() + ")");
                }
                sleep(pause);
            }
        }
    }

    /**
     * A session for one user at a time: the one the last user gave back when there is one, else a new one
     * ({@link #connect()}). Closing it gives it back, reset to how a new session starts: {@code DISCARD ALL} drops
     * the last user's settings, role, advisory locks, temporary tables and prepared statements, and with them the
     * settings the connection started with, which are then set again ({@link #RESTART}); one that cannot be reset, or
     * that finds another already waiting, is closed. {@link #close()} closes a waiting one with the rest.
     *
     * @throws AuthenticationFailedException when a new session is needed and the database refuses the credentials
     * @throws DatabaseUnavailableException  when a new session is needed and none could be opened in time
     */
    public Connection session() {
        Connection waiting = idle.getAndSet(null);
        return ReusableSession.lend(waiting != null ? waiting : connect(), this::giveBack);
    }

    private void giveBack(Connection session) {
        try {
            if (!closed && !session.isClosed()) {
                if (!session.getAutoCommit()) {
                    session.rollback();
                    session.setAutoCommit(true);
                }
                try (Statement reset = session.createStatement()) {
                    reset.execute("DISCARD ALL");
                }
                try (PreparedStatement restart = session.prepareStatement(RESTART)) {
                    restart.setString(1, DatabaseTarget.APPLICATION_NAME);
                    restart.setString(2, Long.toString(target.lockTimeout().toMillis()));
                    restart.execute();
                }
                // Checked again after the reset: close() either sees the session waiting or this sees close().
                if (idle.compareAndSet(null, session) && !closed) {
                    return;
                }
                idle.compareAndSet(session, null);
            }
        } catch (SQLException | RuntimeException e) {
            // a session that cannot be reset is not reused
        }
        closeQuietly(session);
    }

    /** After the watchdog gave up (or the invocation ended) no new connection may open: it would outlive both. */
    private void refuseWhenClosed() {
        if (closed) {
            throw new DatabaseUnavailableException(ErrorCode.DATABASE_CONNECTION, "No new connection to "
                    + target.describe() + ": the invocation's connections were closed (the deadline passed)");
        }
    }

    /** PostgreSQL's process ids of the sessions this connector opened: they are ours, never "the blocker". */
    public Set<Integer> backendPids() {
        return Set.copyOf(backendPids);
    }

    private int attemptTimeoutSeconds() {
        long left = Math.max(1, deadline.remaining().toSeconds());
        return (int) Math.min(connectTimeout.toSeconds(), left);
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseUnavailableException(ErrorCode.DATABASE_UNREACHABLE,
                    "Interrupted while waiting to reconnect to the database");
        }
    }

    /**
     * Cancels whatever statement runs on this invocation's connections, then aborts them. PostgreSQL rolls back
     * the transaction of a cancelled statement and of a closed connection, so nothing half-done stays behind.
     */
    public void cancelRunningWork() {
        for (Connection connection : opened) {
            try {
                connection.unwrap(PGConnection.class).cancelQuery();
            } catch (SQLException | RuntimeException ignored) {
                // the connection may already be closed; abort below covers it
            }
        }
    }

    /** Closes the socket of every connection still open, without waiting for the server; opens none after. */
    public void abortAll() {
        closed = true;
        var executor = Executors.newVirtualThreadPerTaskExecutor();
        for (Connection connection : opened) {
            try {
                connection.abort(executor);
            } catch (SQLException | RuntimeException ignored) {
                // already closed
            }
        }
        executor.close();
    }

    /** Closes every connection this invocation opened that is still open; opens none after. */
    @Override
    public void close() {
        closed = true;
        for (Connection connection : opened) {
            closeQuietly(connection);
        }
        opened.clear();
    }

    private static void closeQuietly(Connection connection) {
        try {
            if (!connection.isClosed()) {
                connection.close();
            }
        } catch (SQLException | RuntimeException ignored) {
            // nothing more can be done about a connection that fails to close
        }
    }

    /** A DataSource view for Flyway: each {@code getConnection()} is a {@link #session()}. */
    public DataSource dataSource() {
        return new ConnectionSupplierDataSource(this::session);
    }
}
