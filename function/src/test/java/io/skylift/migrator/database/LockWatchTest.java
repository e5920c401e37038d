package io.skylift.migrator.database;

import static org.assertj.core.api.Assertions.assertThat;

import io.skylift.migrator.config.Settings;
import io.skylift.migrator.deadline.Deadline;
import io.skylift.migrator.secrets.DatabaseSecret;
import io.skylift.migrator.testkit.PostgresExtension;
import io.skylift.migrator.testkit.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The lock watch against a real database: which sessions it takes for another migrator's. */
@ExtendWith(PostgresExtension.class)
class LockWatchTest {
    private static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf";

    private static DatabaseConnector connector(TestDatabase database, Path taskRoot) {
        Settings settings = Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT",
                taskRoot.toString(), "DB_SSL_ROOT_CERT", database.caCertificate().toString()));
        DatabaseSecret secret = new DatabaseSecret(database.username(), database.password(), database.host(),
                database.port(), database.databaseName(), "postgres");
        return new DatabaseConnector(DatabaseTarget.of(settings, secret), Deadline.after(Duration.ofMinutes(1)),
                Duration.ofSeconds(10), Duration.ofSeconds(10), ConnectRetryPolicy.DEFAULT);
    }

    @Test
    void sessions_of_ours_opened_while_the_watch_samples_never_make_it_read_the_lock_manager(
            TestDatabase database, @TempDir Path taskRoot) throws Exception {
        List<String> lockQueries = new ArrayList<>();
        boolean watched = false;
        try (DatabaseConnector connector = connector(database, taskRoot);
             LockWatch watch = LockWatch.start(connector, Duration.ofMillis(50));
             Connection admin = database.adminConnection();
             PreparedStatement watchQueries = admin.prepareStatement("SELECT query FROM pg_stat_activity WHERE "
                     + "application_name = 'skylift-migrator' AND query LIKE '%pg_stat_activity%'");
             ExecutorService pool = Executors.newSingleThreadExecutor()) {
            // As Flyway does while the watch runs: sessions of this invocation open one after another. A session
            // shows in pg_stat_activity a moment before connect() returns its pid; the watch must not take it for
            // another migrator's in that moment.
            Future<?> opening = pool.submit(() -> {
                long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
                while (System.nanoTime() < until) {
                    try (Connection session = connector.connect()) {
                        session.isValid(1);
                    }
                }
                return null;
            });
            while (!opening.isDone()) {
                try (ResultSet rows = watchQueries.executeQuery()) {
                    while (rows.next()) {
                        watched = true;
                        String query = rows.getString(1);
                        if (query.contains("pg_blocking_pids") || query.contains("pg_locks")) {
                            lockQueries.add(query);
                        }
                    }
                }
                Thread.sleep(5);
            }
            opening.get();
            assertThat(watch.flywayLockHolders()).isEmpty();
        }
        assertThat(watched).as("the lock watch ran meanwhile").isTrue();
        assertThat(lockQueries).as("no pg_blocking_pids or pg_locks query while nothing waited for a lock").isEmpty();
    }
}
