package io.skylift.migrator.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skylift.migrator.config.Settings;
import io.skylift.migrator.deadline.Deadline;
import io.skylift.migrator.secrets.DatabaseSecret;
import io.skylift.migrator.testkit.PostgresExtension;
import io.skylift.migrator.testkit.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A session given back and lent again: the same backend, started anew, and the connector still closes it. */
@ExtendWith(PostgresExtension.class)
class ReusableSessionTest {
    private static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf";

    private static DatabaseConnector connector(TestDatabase database, Path taskRoot) {
        Settings settings = Settings.fromEnvironment(Map.of("DB_SECRET_ARN", ARN, "LAMBDA_TASK_ROOT",
                taskRoot.toString(), "DB_SSL_ROOT_CERT", database.caCertificate().toString(), "DB_LOCK_TIMEOUT_MS",
                "2500"));
        DatabaseSecret secret = new DatabaseSecret(database.username(), database.password(), database.host(),
                database.port(), database.databaseName(), "postgres");
        return new DatabaseConnector(DatabaseTarget.of(settings, secret), Deadline.after(Duration.ofMinutes(1)),
                Duration.ofSeconds(10), Duration.ofSeconds(10), ConnectRetryPolicy.DEFAULT);
    }

    @Test
    void a_session_given_back_is_lent_again_as_it_started_with_its_application_name_and_lock_timeout(
            TestDatabase database, @TempDir Path taskRoot) throws Exception {
        try (DatabaseConnector connector = connector(database, taskRoot)) {
            Connection first = connector.session();
            int pid = value(first, "SELECT pg_backend_pid()");
            String lockTimeout = text(first, "SHOW lock_timeout");
            try (Statement statement = first.createStatement()) {
                statement.execute("SET lock_timeout = 0");
                statement.execute("SET application_name = 'someone else'");
                statement.execute("CREATE TEMPORARY TABLE leftover (id int)");
                statement.execute("SELECT pg_advisory_lock(42)");
            }
            first.setAutoCommit(false);
            first.close();
            assertThatThrownBy(first::createStatement).as("the handle given back").isInstanceOf(SQLException.class);

            try (Connection second = connector.session()) {
                assertThat(value(second, "SELECT pg_backend_pid()")).as("the same session").isEqualTo(pid);
                assertThat(second.getAutoCommit()).isTrue();
                assertThat(text(second, "SHOW lock_timeout")).isEqualTo(lockTimeout).isEqualTo("2500ms");
                assertThat(text(second, "SHOW application_name")).isEqualTo(DatabaseTarget.APPLICATION_NAME);
                assertThat(value(second, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")).isZero();
                assertThat(value(second, "SELECT count(*) FROM pg_class WHERE relname = 'leftover'")).isZero();
            }
        }
        // A backend leaves pg_stat_activity a moment after its client closed the connection.
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!database.query("SELECT 1 FROM pg_stat_activity WHERE application_name = ? AND datname = ?",
                DatabaseTarget.APPLICATION_NAME, database.databaseName()).isEmpty() && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertThat(database.query("SELECT 1 FROM pg_stat_activity WHERE application_name = ? AND datname = ?",
                DatabaseTarget.APPLICATION_NAME, database.databaseName())).as("closed with the connector").isEmpty();
    }

    private static int value(Connection connection, String query) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(query)) {
            row.next();
            return row.getInt(1);
        }
    }

    private static String text(Connection connection, String query) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(query)) {
            row.next();
            return row.getString(1);
        }
    }
}
