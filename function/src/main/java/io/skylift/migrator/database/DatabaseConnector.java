package io.skylift.migrator.database;

import io.skylift.migrator.deadline.Deadline;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.postgresql.Driver;
import org.postgresql.PGConnection;

/**
 * Opens connections for one invocation. Connection attempts that are refused or time out are retried with
 * backoff until the deadline; authentication failures, TLS failures ({@link TlsFailure}) and other errors are not. Every connection it opened is
 * tracked, so the watchdog can cancel the running statement and {@link #close()} can make sure none outlives
 * the invocation (an idle connection keeps Aurora Serverless from pausing).
 */
public final class DatabaseConnector implements AutoCloseable {
    /** Connection-level failures: refused, timed out, reset; the server starting up or resuming. */
    private static final Set<String> TRANSIENT_STATES = Set.of("57P03", "53300");
    private static final Set<String> AUTHENTICATION_STATES = Set.of("28P01", "28000");
    /** pgjdbc reports an SSL mismatch as "connection rejected": retrying cannot mend it. */
    private static final String REJECTED_STATE = "08004";

    private final DatabaseTarget target;
    private final Deadline deadline;
    private final Duration connectTimeout;
    private final ConnectRetryPolicy retryPolicy;
    private final Driver driver = new Driver();
    private final List<Connection> opened = new CopyOnWriteArrayList<>();

    public DatabaseConnector(DatabaseTarget target, Deadline deadline, Duration connectTimeout,
                             ConnectRetryPolicy retryPolicy) {
        this.target = Objects.requireNonNull(target, "target must not be null");
        this.deadline = Objects.requireNonNull(deadline, "deadline must not be null");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout must not be null");
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy must not be null");
    }

    /**
     * Opens a connection, retrying transient failures until the deadline.
     *
     * @throws AuthenticationFailedException when the database refuses the credentials
     * @throws DatabaseUnavailableException  when no connection could be opened in time, or the error is permanent
     */
    public Connection connect() {
        TlsFailure.checkRootCertificate(target).ifPresent(reason -> {
            throw new DatabaseUnavailableException(reason);
        });
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                Connection connection = driver.connect(target.jdbcUrl(), target.connectionProperties(attemptTimeoutSeconds()));
                if (connection == null) {
                    throw new DatabaseUnavailableException("'" + target.describe()
                            + "' is not a PostgreSQL JDBC URL: use jdbc:postgresql://host:port/database");
                }
                opened.add(connection);
                return connection;
            } catch (SQLException e) {
                String state = e.getSQLState() == null ? "" : e.getSQLState();
                if (AUTHENTICATION_STATES.contains(state)) {
                    throw new AuthenticationFailedException("The database " + target.describe() + " refused user '"
                            + target.username() + "' (SQL state " + state + "): check the secret's username and "
                            + "password; after a rotation the secret is read again once");
                }
                var tlsFailure = TlsFailure.explain(e, target);
                if (tlsFailure.isPresent()) {
                    throw new DatabaseUnavailableException(tlsFailure.get());
                }
                if (REJECTED_STATE.equals(state)) {
                    throw new DatabaseUnavailableException("The database " + target.describe()
                            + " rejected the connection: " + firstLine(e) + " (DB_SSL_MODE is " + target.sslMode()
                            + "; a local database without TLS needs DB_SSL_MODE=disable)");
                }
                if (!isTransient(state)) {
                    throw new DatabaseUnavailableException("Could not connect to " + target.describe() + ": "
                            + firstLine(e) + " (SQL state " + state + ")");
                }
                Duration pause = retryPolicy.pauseAfter(attempt);
                if (deadline.remaining().compareTo(pause) <= 0) {
                    throw new DatabaseUnavailableException("Could not connect to " + target.describe() + " after "
                            + attempt + " attempt(s) before the deadline: " + firstLine(e).replaceAll("\\.+$", "") + ". Aurora Serverless v2 "
                            + "takes 15-30 s to resume from auto-pause; check that the cluster is available and that "
                            + "its security group admits the migrator on 5432");
                }
                sleep(pause);
            }
        }
    }

    private int attemptTimeoutSeconds() {
        long left = Math.max(1, deadline.remaining().toSeconds());
        return (int) Math.min(connectTimeout.toSeconds(), left);
    }

    private static boolean isTransient(String state) {
        return (state.startsWith("08") && !REJECTED_STATE.equals(state)) || TRANSIENT_STATES.contains(state);
    }

    private static String firstLine(SQLException e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseUnavailableException("Interrupted while waiting to reconnect");
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

    /** Closes the socket of every connection still open, without waiting for the server. */
    public void abortAll() {
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

    /** Closes every connection this invocation opened that is still open. */
    @Override
    public void close() {
        for (Connection connection : opened) {
            try {
                if (!connection.isClosed()) {
                    connection.close();
                }
            } catch (SQLException | RuntimeException ignored) {
                // nothing more can be done about a connection that fails to close
            }
        }
        opened.clear();
    }

    /** A DataSource view for Flyway: each {@code getConnection()} is a {@link #connect()}. */
    public DataSource dataSource() {
        return new ConnectionSupplierDataSource(this::connect);
    }
}
