package io.skylift.migrator.testkit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResponseUrlServerTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void records_a_put_with_its_path_query_headers_and_json_body_and_answers_200() throws Exception {
        try (ResponseUrlServer server = ResponseUrlServer.start()) {
            String url = server.url();

            HttpResponse<String> response = put(url, "{\"Status\":\"SUCCESS\",\"Data\":{\"SchemaVersion\":\"3\"}}");
            RecordedRequest request = server.awaitRequest(Duration.ofSeconds(5));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(request.method()).isEqualTo("PUT");
            assertThat(request.uri().toString()).as("path and query as sent").isEqualTo(url.substring(server.endpoint().toString().length()));
            assertThat(request.uri().getRawPath()).startsWith("/arn%3Aaws%3Acloudformation%3Aus-east-1").contains("%7CMigrations%7C");
            assertThat(request.uri().getRawQuery()).contains("X-Amz-Signature=", "X-Amz-Expires=");
            assertThat(request.header("content-length")).hasValue(Integer.toString(request.body().length));
            assertThat(request.header("CONTENT-LENGTH")).as("case-insensitive lookup").isEqualTo(request.header("Content-Length"));
            assertThat(request.header("X-Not-Sent")).isEmpty();
            assertThat(request.json().get("Data").get("SchemaVersion").asText()).isEqualTo("3");
            assertThat(server.requests()).containsExactly(request);
        }
    }

    @Test
    void fails_the_next_requests_with_the_given_status_then_answers_200_again() throws Exception {
        try (ResponseUrlServer server = ResponseUrlServer.start()) {
            server.failNext(2, 503);

            assertThat(put(server.url("/r"), "{}").statusCode()).isEqualTo(503);
            assertThat(put(server.url("/r"), "{}").statusCode()).isEqualTo(503);
            assertThat(put(server.url("/r"), "{}").statusCode()).isEqualTo(200);
            assertThat(server.requests()).hasSize(3);
        }
    }

    @Test
    void drops_the_next_request_without_an_answer_but_still_records_it() throws Exception {
        try (ResponseUrlServer server = ResponseUrlServer.start()) {
            server.dropNext(1);

            assertThatThrownBy(() -> put(server.url("/r"), "{\"attempt\":1}")).isInstanceOf(IOException.class);
            assertThat(server.awaitRequest(Duration.ofSeconds(5)).json().get("attempt").asInt()).isEqualTo(1);
            assertThat(put(server.url("/r"), "{\"attempt\":2}").statusCode()).isEqualTo(200);
            assertThat(server.awaitRequest(Duration.ofSeconds(5)).json().get("attempt").asInt()).isEqualTo(2);
        }
    }

    @Test
    void await_request_fails_after_the_timeout_when_nothing_arrives() {
        try (ResponseUrlServer server = ResponseUrlServer.start()) {
            assertThatThrownBy(() -> server.awaitRequest(Duration.ofMillis(50)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("no request #1");
        }
    }

    @Test
    void listens_on_loopback_and_stops_on_close() {
        ResponseUrlServer server = ResponseUrlServer.start();
        URI endpoint = server.endpoint();
        server.close();

        assertThat(endpoint.getHost()).isEqualTo("127.0.0.1");
        assertThatThrownBy(() -> put(server.url("/r"), "{}")).isInstanceOf(IOException.class);
    }

    private HttpResponse<String> put(String url, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
