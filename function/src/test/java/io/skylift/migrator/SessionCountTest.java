package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invokeJson;
import static org.assertj.core.api.Assertions.assertThat;

import io.skylift.migrator.testkit.PostgresExtension;
import io.skylift.migrator.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How many sessions an invocation opens, from PostgreSQL's own count ({@code pg_stat_database.sessions}): each one
 * costs a TLS handshake and a SCRAM exchange, and on Aurora a backend process. An apply needs the probe's (it answers
 * a no-op alone), one for Flyway's commands and the drift reference after them, one by one, and the lock watch's, which
 * must sample while they wait.
 */
@ExtendWith({PostgresExtension.class, MigratorFixtureExtension.class})
class SessionCountTest {

    @Test
    void an_apply_opens_the_probes_session_one_for_flyway_and_the_reference_and_the_lock_watchs(
            MigratorFixture fixture) throws Exception {
        long before = sessions(fixture.database);

        assertThat(invokeJson(fixture.handler(), "{\"command\":\"migrate\"}").get("migrationsApplied").asInt())
                .isEqualTo(5);

        assertThat(sessions(fixture.database) - before - 1).as("sessions the apply opened").isEqualTo(3);
    }

    @Test
    void a_no_op_opens_one_session(MigratorFixture fixture) throws Exception {
        MigratorHandler handler = fixture.handler();
        invokeJson(handler, "{\"command\":\"migrate\"}");
        long before = sessions(fixture.database);

        assertThat(invokeJson(handler, "{\"command\":\"migrate\"}").get("migrationsApplied").asInt()).isZero();

        assertThat(sessions(fixture.database) - before - 1).as("sessions the no-op opened").isEqualTo(1);
    }

    /**
     * The sessions that ended in the test's database so far, read once no session but the one asking is left (a
     * session is counted as it ends, so the asking one counts at the next reading: the tests subtract it).
     */
    private static long sessions(TestDatabase database) throws SQLException, InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        try (Connection connection = database.adminConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT numbackends, sessions FROM pg_stat_database WHERE datname = current_database()")) {
            while (true) {
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    if (row.getInt(1) == 1 || System.nanoTime() > until) {
                        return row.getLong(2);
                    }
                }
                Thread.sleep(50);
            }
        }
    }
}
