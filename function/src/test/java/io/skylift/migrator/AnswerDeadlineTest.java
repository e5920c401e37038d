package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.testkit.LambdaContext;
import io.skylift.migrator.testkit.PostgresExtension;
import io.skylift.migrator.testkit.RecordedRequest;
import io.skylift.migrator.testkit.SilentTcpEndpoint;
import io.skylift.migrator.testkit.TcpProxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The CloudFormation answer is sent, in time, whatever happens to the work, the thread or the network. */
@ExtendWith({PostgresExtension.class, MigratorFixtureExtension.class})
class AnswerDeadlineTest {
    private MigratorFixture fixture;

    @BeforeEach
    void setUp(MigratorFixture fixture) {
        this.fixture = fixture;
    }

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private JsonNode onlyAnswer() {
        List<RecordedRequest> requests = fixture.responseUrl.requests();
        assertThat(requests).as("exactly one answer per event").hasSize(1);
        return requests.get(0).json();
    }

    @Test
    void an_interrupt_left_on_the_warm_handlers_thread_does_not_stop_the_next_invocation() {
        Thread.currentThread().interrupt();

        invoke(fixture.handler(), fixture.cloudFormationEvent("Create", null), LambdaContext.generous());

        JsonNode body = onlyAnswer();
        assertThat(body.get("Status").asText()).isEqualTo("SUCCESS");
        assertThat(body.get("Data").get("SchemaVersion").asText()).isEqualTo("4");
        assertThat(Thread.currentThread().isInterrupted()).as("the flag does not outlive the invocation").isFalse();
    }

    @Test
    void an_interrupt_during_the_work_still_gets_the_answer_sent() {
        fixture.migration("V5__slow.sql", "SELECT pg_sleep(5);");
        Thread handlerThread = Thread.currentThread();
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(Duration.ofMillis(1500));
            } catch (InterruptedException e) {
                return;
            }
            handlerThread.interrupt();
        });

        invoke(fixture.handler(), fixture.cloudFormationEvent("Create", null), LambdaContext.generous());

        assertThat(onlyAnswer().get("Status").asText()).as("the work was cut short").isEqualTo("FAILED");
    }

    @Test
    void a_cancel_request_lost_on_a_black_holed_network_still_leaves_time_to_answer() throws Exception {
        try (TcpProxy proxy = TcpProxy.to(fixture.database.port())) {
            fixture.pointSecretAtPort(proxy.port());
            MigratorHandler handler = fixture.handler();
            // A first deploy, so the one under test reaches its slow migration quickly in a warm environment.
            invoke(handler, fixture.cloudFormationEvent("Create", null), LambdaContext.generous());
            fixture.migration("V5__rebuild_everything.sql", "SELECT pg_sleep(60);");
            // Once the statement runs, the network drops everything new: the cancel's own connection hangs.
            Thread watcher = Thread.ofVirtual().start(() -> blackHoleOnceRunning(proxy, "pg_sleep(60)"));
            LambdaContext context = LambdaContext.withTimeLeft(Duration.ofSeconds(12));

            long start = System.nanoTime();
            invoke(handler, fixture.cloudFormationEvent("Update", "shop-dev-SchemaMigration"), context);
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            watcher.interrupt();

            List<RecordedRequest> answers = fixture.responseUrl.requests();
            assertThat(answers).as("one answer per event").hasSize(2);
            JsonNode body = answers.get(1).json();
            assertThat(body.get("Status").asText()).isEqualTo("FAILED");
            assertThat(body.get("Reason").asText()).contains("V5").contains("deadline");
            assertThat(proxy.connectionsBlackHoled()).as("the cancel's own connection").isPositive();
            assertThat(tookMs).as("answered before the Lambda deadline, whatever the cancel does").isLessThan(12_000);
            assertThat(context.getRemainingTimeInMillis()).isPositive();
        }
    }

    private void blackHoleOnceRunning(TcpProxy proxy, String statement) {
        while (!Thread.currentThread().isInterrupted()) {
            if (!fixture.database.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE ? AND pid <> pg_backend_pid()",
                    "%" + statement + "%").isEmpty()) {
                proxy.blackHoleNewConnections();
                return;
            }
            LockSupport.parkNanos(50_000_000);
        }
    }

    @Test
    void a_connection_still_opening_at_the_deadline_is_given_up_and_closed_and_no_work_goes_on_after_the_answer()
            throws Exception {
        try (TcpProxy proxy = TcpProxy.to(fixture.database.port())) {
            fixture.pointSecretAtPort(proxy.port());
            // The server agrees to TLS, then its handshake stalls past the deadline (3 s from now) and the grace.
            proxy.stallNewConnections(Duration.ofSeconds(8));
            LambdaContext context = LambdaContext.withTimeLeft(Duration.ofSeconds(6));

            invoke(fixture.handler(), fixture.cloudFormationEvent("Create", null), context);

            assertThat(onlyAnswer().get("Status").asText()).isEqualTo("FAILED");
            assertThat(context.getRemainingTimeInMillis()).isPositive();
            // In Lambda the environment freezes now; work still going would resume in a later invocation.
            Thread.sleep(Duration.ofMillis(1000));
            assertThat(migrationThreads()).as("no work goes on after the answer").isEmpty();
            // Connections opened from now on reach the database at once; the stalled handshake ends at about 8 s.
            proxy.stallNewConnections(Duration.ZERO);
            Thread.sleep(Duration.ofSeconds(7));
            assertThat(fixture.database.query("SELECT pid FROM pg_stat_activity WHERE usename = ?",
                    fixture.database.username())).as("no session outlives the invocation").isEmpty();
            assertThat(fixture.database.tableExists("public", "flyway_schema_history"))
                    .as("nothing migrated after the FAILED answer").isFalse();
        }
    }

    private static List<String> migrationThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.equals("skylift-migration")).toList();
    }

    @Test
    void a_database_that_accepts_and_never_answers_its_handshake_is_given_up_on_after_the_login_timeout() {
        fixture.environment.put("DB_CONNECT_TIMEOUT_SECONDS", "1");
        try (SilentTcpEndpoint silent = SilentTcpEndpoint.start()) {
            fixture.pointSecretAtPort(silent.port());
            LambdaContext context = LambdaContext.withTimeLeft(Duration.ofSeconds(10));

            invoke(fixture.handler(), fixture.cloudFormationEvent("Create", null), context);

            assertThat(onlyAnswer().get("Status").asText()).isEqualTo("FAILED");
            assertThat(silent.connectionsAccepted()).as("attempts, each ended by the login timeout, then retried")
                    .isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void the_connect_timeouts_do_not_cut_a_migration_statement_that_runs_longer() {
        fixture.environment.put("DB_CONNECT_TIMEOUT_SECONDS", "1");
        fixture.migration("V5__long_statement.sql", "SELECT pg_sleep(3);");

        invoke(fixture.handler(), fixture.cloudFormationEvent("Create", null), LambdaContext.generous());

        JsonNode body = onlyAnswer();
        assertThat(body.get("Status").asText()).as("no socket timeout: the 3 s statement outlived the 1 s login timeout")
                .isEqualTo("SUCCESS");
        assertThat(body.get("Data").get("SchemaVersion").asText()).isEqualTo("5");
    }
}
