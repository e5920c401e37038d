package io.skylift.migrator.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import io.skylift.migrator.deadline.Deadline;
import io.skylift.migrator.testkit.ResponseUrlServer;
import io.skylift.migrator.testkit.SilentTcpEndpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResponseSenderTest {
    private static final byte[] BODY = "{\"Status\":\"SUCCESS\"}".getBytes(StandardCharsets.UTF_8);
    private ResponseUrlServer server;
    private ResponseSender sender;

    @BeforeEach
    void setUp() {
        server = ResponseUrlServer.start();
        sender = new ResponseSender(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), 5,
                Duration.ofMillis(20));
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void a_url_outside_amazon_s3_gets_nothing_and_no_attempt() {
        long start = System.nanoTime();

        // A connection to an unrouted private address would hang for the whole connect timeout.
        assertThat(sender.send("http://10.255.255.1/internal", BODY, Deadline.after(Duration.ofSeconds(10)))).isFalse();

        assertThat((System.nanoTime() - start) / 1_000_000).as("ms: no connection attempted").isLessThan(1_000);
    }

    @Test
    void dropped_connections_and_5xx_are_retried_until_a_2xx() {
        server.dropNext(1).failNext(2, 500);
        assertThat(sender.send(server.url("/a"), BODY, Deadline.after(Duration.ofSeconds(10)))).isTrue();
        assertThat(server.requests()).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void a_4xx_is_not_retried_and_reported_as_not_delivered() {
        server.failNext(1, 403);
        assertThat(sender.send(server.url("/a"), BODY, Deadline.after(Duration.ofSeconds(10)))).isFalse();
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void retries_stop_after_the_last_attempt() {
        server.failNext(10, 503);
        assertThat(sender.send(server.url("/a"), BODY, Deadline.after(Duration.ofSeconds(10)))).isFalse();
        assertThat(server.requests()).hasSize(5);
    }

    @Test
    void retries_stop_at_the_deadline() {
        server.failNext(10, 503);
        ResponseSender slow = new ResponseSender(HttpClient.newHttpClient(), 10, Duration.ofSeconds(2));
        long start = System.nanoTime();
        assertThat(slow.send(server.url("/a"), BODY, Deadline.after(Duration.ofMillis(500)))).isFalse();
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_500);
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void an_attempt_at_a_url_that_never_answers_is_cut_at_the_time_left() {
        try (SilentTcpEndpoint silent = SilentTcpEndpoint.start()) {
            long start = System.nanoTime();
            boolean delivered = new ResponseSender().send(silent.url("/a"), BODY, Deadline.after(Duration.ofMillis(1500)));
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertThat(delivered).isFalse();
            assertThat(silent.connectionsAccepted()).as("it connected").isPositive();
            assertThat(tookMs).as("the read waited no longer than the time left, not 10 s").isBetween(1_300L, 2_500L);
        }
    }

    @Test
    void an_attempt_whose_connect_hangs_is_cut_at_the_time_left() throws Exception {
        try (BlackHoledPort blackHole = BlackHoledPort.open()) {
            long start = System.nanoTime();
            boolean delivered = new ResponseSender().send("http://127.0.0.1:" + blackHole.port() + "/a", BODY,
                    Deadline.after(Duration.ofMillis(1500)));
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertThat(delivered).isFalse();
            assertThat(tookMs).as("the connect waited no longer than the time left, not 5 s").isLessThan(2_500L);
        }
    }

    /**
     * A listening port whose accept queue is full and never served: Linux drops further SYNs, so a connect to it
     * hangs as one to a black-holed address does.
     */
    private record BlackHoledPort(ServerSocket server, List<Socket> queued) implements AutoCloseable {
        static BlackHoledPort open() throws IOException {
            ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            List<Socket> queued = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Socket socket = new Socket();
                try {
                    socket.connect(server.getLocalSocketAddress(), 200);
                    queued.add(socket);
                } catch (SocketTimeoutException full) {
                    socket.close();
                    return new BlackHoledPort(server, queued);
                }
            }
            throw new IllegalStateException("the accept queue never filled: cannot black-hole a local port here");
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            for (Socket socket : queued) {
                socket.close();
            }
            server.close();
        }
    }
}
