package io.skylift.migrator.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import io.skylift.migrator.deadline.Deadline;
import io.skylift.migrator.testkit.ResponseUrlServer;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
}
