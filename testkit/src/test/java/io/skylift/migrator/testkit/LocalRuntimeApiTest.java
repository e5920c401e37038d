package io.skylift.migrator.testkit;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The Runtime API spoken by hand, to pin down the protocol details the RIC test relies on. */
class LocalRuntimeApiTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void next_waits_for_an_event_then_serves_it_with_lambdas_headers_and_a_response_completes_it() throws Exception {
        try (LocalRuntimeApi api = LocalRuntimeApi.start("fn")) {
            CompletableFuture<HttpResponse<String>> next = http.sendAsync(
                    get(api, "/2018-06-01/runtime/invocation/next"), HttpResponse.BodyHandlers.ofString());
            Thread.sleep(100);
            assertThat(next).as("next before any event").isNotDone();

            CompletableFuture<InvocationResult> result = CompletableFuture.supplyAsync(() -> invoke(api, "{\"a\":1}"));
            HttpResponse<String> event = next.get();
            String requestId = event.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();
            long deadline = Long.parseLong(event.headers().firstValue("Lambda-Runtime-Deadline-Ms").orElseThrow());
            HttpResponse<String> accepted = post(api, "/2018-06-01/runtime/invocation/" + requestId + "/response", "\"done\"");
            HttpResponse<String> again = post(api, "/2018-06-01/runtime/invocation/" + requestId + "/response", "\"twice\"");

            assertThat(event.body()).isEqualTo("{\"a\":1}");
            assertThat(deadline - Instant.now().toEpochMilli()).isBetween(1_000L, 10_000L);
            assertThat(event.headers().firstValue("Lambda-Runtime-Invoked-Function-Arn"))
                    .hasValue("arn:aws:lambda:us-east-1:123456789012:function:fn");
            assertThat(event.headers().firstValue("Lambda-Runtime-Trace-Id").orElseThrow()).startsWith("Root=1-");
            assertThat(accepted.statusCode()).isEqualTo(202);
            assertThat(again.statusCode()).as("a second answer").isEqualTo(400);
            assertThat(result.get().body()).isEqualTo("\"done\"");
            assertThat(result.get().isError()).isFalse();
            assertThat(result.get().requestId()).isEqualTo(requestId);
        }
    }

    @Test
    void an_error_post_records_the_body_and_the_error_type_header() throws Exception {
        try (LocalRuntimeApi api = LocalRuntimeApi.start()) {
            CompletableFuture<InvocationResult> result = CompletableFuture.supplyAsync(() -> invoke(api, "{}"));
            HttpResponse<String> event = http.send(get(api, "/2018-06-01/runtime/invocation/next"),
                    HttpResponse.BodyHandlers.ofString());
            String requestId = event.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElseThrow();

            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(uri(api,
                            "/2018-06-01/runtime/invocation/" + requestId + "/error"))
                    .header("Lambda-Runtime-Function-Error-Type", "Runtime.UserException")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"errorMessage\":\"boom\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(accepted.statusCode()).isEqualTo(202);
            assertThat(result.get().isError()).isTrue();
            assertThat(result.get().errorType()).isEqualTo("Runtime.UserException");
            assertThat(result.get().json().get("errorMessage").asText()).isEqualTo("boom");
        }
    }

    @Test
    void an_init_error_is_recorded() throws Exception {
        try (LocalRuntimeApi api = LocalRuntimeApi.start()) {
            assertThat(api.initError()).isEmpty();

            HttpResponse<String> accepted = post(api, "/2018-06-01/runtime/init/error", "{\"errorMessage\":\"no config\"}");

            assertThat(accepted.statusCode()).isEqualTo(202);
            assertThat(api.initError()).hasValueSatisfying(error -> assertThat(error.body()).contains("no config"));
        }
    }

    private static InvocationResult invoke(LocalRuntimeApi api, String event) {
        try {
            return api.invoke(event, Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> post(LocalRuntimeApi api, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(api, path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest get(LocalRuntimeApi api, String path) {
        return HttpRequest.newBuilder(uri(api, path)).GET().build();
    }

    private static URI uri(LocalRuntimeApi api, String path) {
        return URI.create("http://" + api.address() + path);
    }
}
