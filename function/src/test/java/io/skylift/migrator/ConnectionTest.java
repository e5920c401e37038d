package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invoke;
import static io.skylift.migrator.MigratorFixture.invokeJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.testkit.LambdaContext;
import io.skylift.migrator.testkit.PostgresExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({PostgresExtension.class, MigratorFixtureExtension.class})
class ConnectionTest {
    private MigratorFixture fixture;

    @BeforeEach
    void setUp(MigratorFixture fixture) {
        this.fixture = fixture;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void pointSecretAt(int port) {
        fixture.secrets.putSecret(MigratorFixture.DB_SECRET, fixture.database.rdsSecretJson()
                .replace("\"port\":" + fixture.database.port(), "\"port\":" + port)
                .replace("\"port\":\"" + fixture.database.port() + "\"", "\"port\":\"" + port + "\""));
    }

    @Test
    void a_database_that_comes_up_late_is_waited_for_as_aurora_resumes_from_pause() throws Exception {
        int port = freePort();
        pointSecretAt(port);
        try (LateProxy proxy = new LateProxy(port, fixture.database.port(), Duration.ofMillis(1500))) {
            long start = System.nanoTime();
            JsonNode result = invokeJson(fixture.handler(), "{}");
            assertThat(result.get("schemaVersion").asText()).isEqualTo("4");
            assertThat((System.nanoTime() - start) / 1_000_000).as("it waited for the proxy").isGreaterThan(1_400);
        }
    }

    @Test
    void a_refused_connection_is_retried_until_the_deadline_then_reported() {
        pointSecretAt(freePort());
        LambdaContext context = LambdaContext.withTimeLeft(Duration.ofSeconds(6));
        assertThatThrownBy(() -> invoke(fixture.handler(), "{}", context))
                .isInstanceOf(InvocationFailedException.class)
                .hasMessageContaining("Could not connect to 127.0.0.1")
                .hasMessageContaining("attempt(s)")
                .hasMessageContaining("auto-pause");
        assertThat(context.getRemainingTimeInMillis()).as("failed before the Lambda deadline").isPositive();
    }

    @Test
    void refused_connections_are_retried_only_within_the_retry_window() {
        pointSecretAt(freePort());
        fixture.environment.put("DB_CONNECT_RETRY_WINDOW_SECONDS", "2");
        long start = System.nanoTime();
        assertThatThrownBy(() -> invoke(fixture.handler(), "{}", LambdaContext.generous()))
                .isInstanceOf(InvocationFailedException.class)
                .hasMessageStartingWith("[DATABASE_UNREACHABLE] Could not connect to 127.0.0.1")
                .hasMessageContaining("connection refused")
                .hasMessageContaining("DB_CONNECT_RETRY_WINDOW_SECONDS=2");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).as("retried for about the window, not until the deadline").isBetween(1_000L, 15_000L);
    }

    @Test
    void an_unknown_host_is_reported_at_once_with_what_to_check() {
        fixture.secrets.putSecret(MigratorFixture.DB_SECRET, fixture.database.rdsSecretJson()
                .replace("\"host\":\"" + fixture.database.host() + "\"", "\"host\":\"db.skylift.invalid\""));
        long start = System.nanoTime();
        assertThatThrownBy(() -> invoke(fixture.handler(), "{}", LambdaContext.generous()))
                .isInstanceOf(InvocationFailedException.class)
                .hasMessageStartingWith("[DATABASE_UNKNOWN_HOST] The database host of db.skylift.invalid")
                .hasMessageContaining("check the secret's 'host'");
        assertThat((System.nanoTime() - start) / 1_000_000).as("not retried").isLessThan(3_000);
    }

    @Test
    void refused_credentials_are_reported_with_their_code_after_one_fresh_read_of_the_secret() {
        fixture.secrets.putSecret(MigratorFixture.DB_SECRET, fixture.database.rdsSecretJson()
                .replace("\"password\":\"" + fixture.database.password() + "\"", "\"password\":\"wrong-one\""));
        assertThatThrownBy(() -> invoke(fixture.handler(), "{}", LambdaContext.generous()))
                .isInstanceOf(InvocationFailedException.class)
                .hasMessageStartingWith("[DATABASE_AUTHENTICATION] The database")
                .hasMessageContaining("refused user '" + fixture.database.username() + "'");
        assertThat(fixture.secrets.getSecretValueCalls(MigratorFixture.DB_SECRET)).as("read again once").isEqualTo(2);
    }

    @Test
    void no_connection_is_left_open_once_the_invocation_ends() throws InterruptedException {
        MigratorHandler handler = fixture.handler();
        invokeJson(handler, "{}");
        invokeJson(handler, "{\"command\": \"info\"}");
        assertThatThrownBy(() -> invoke(handler, "{\"command\": \"baseline\"}", LambdaContext.generous()))
                .isInstanceOf(InvocationFailedException.class);
        // A closed connection's backend leaves pg_stat_activity a moment after the client's Terminate message (the
        // server process exits on its own time): a leaked session stays, so a few seconds of looking tell them apart.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<Map<String, Object>> sessions = openSessions();
        while (!sessions.equals(List.of(Map.of("n", 0L))) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            sessions = openSessions();
        }
        assertThat(sessions).containsExactly(Map.of("n", 0L));
    }

    private List<Map<String, Object>> openSessions() {
        return fixture.database.query(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE usename = ?", fixture.database.username());
    }

    /** Forwards a port to the database, but only after a delay: a database that is resuming. */
    private static final class LateProxy implements AutoCloseable {
        private final Thread acceptor;
        private volatile ServerSocket server;

        LateProxy(int port, int target, Duration delay) {
            acceptor = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(delay);
                    server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
                    while (!server.isClosed()) {
                        Socket client = server.accept();
                        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                        pipe(client, upstream);
                        pipe(upstream, client);
                    }
                } catch (IOException | InterruptedException ignored) {
                    // closed
                }
            });
        }

        private static void pipe(Socket from, Socket to) {
            Thread.ofVirtual().start(() -> {
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException ignored) {
                    // one side closed
                } finally {
                    try {
                        from.close();
                        to.close();
                    } catch (IOException ignored) {
                        // already closed
                    }
                }
            });
        }

        @Override
        public void close() throws IOException, InterruptedException {
            acceptor.interrupt();
            if (server != null) {
                server.close();
            }
            acceptor.join(2_000);
        }
    }
}
