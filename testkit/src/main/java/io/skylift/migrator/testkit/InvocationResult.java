package io.skylift.migrator.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What a Lambda runtime answered for one invocation, as the local Runtime API received it.
 *
 * @param requestId  the invocation's request id; null for an init error
 * @param isError    true when the runtime posted to {@code /error} (a Lambda "function error"), to
 *                   {@code /runtime/init/error}, or when the invocation timed out
 * @param body       the posted body: the handler's output on success; on error the runtime's JSON
 *                   ({@code errorMessage}, {@code errorType}, {@code stackTrace})
 * @param errorType  the {@code Lambda-Runtime-Function-Error-Type} header on error (e.g.
 *                   {@code "Runtime.UserException"}), {@code "Sandbox.Timedout"} on a timeout;
 *                   null on success or when the runtime sent none
 * @param deliveredAt when the runtime received the event; null for an init error
 * @param deadline   the deadline given to the runtime (deliveredAt + the function timeout); null
 *                   for an init error
 * @param answeredAt when the answer arrived (or the timeout struck)
 */
public record InvocationResult(String requestId, boolean isError, String body, String errorType,
                               Instant deliveredAt, Instant deadline, Instant answeredAt) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public InvocationResult {
        Objects.requireNonNull(body, "body must not be null");
        Objects.requireNonNull(answeredAt, "answeredAt must not be null");
    }

    /**
     * The body parsed as JSON.
     *
     * @throws IllegalStateException when the body is not JSON, with the body in the message
     */
    public JsonNode json() {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("invocation answer is not JSON: " + body, e);
        }
    }

    /** Time from delivery of the event to the answer; null for an init error. */
    public Duration duration() {
        return deliveredAt == null ? null : Duration.between(deliveredAt, answeredAt);
    }

    /** Whether the answer came before the deadline. */
    public boolean answeredBeforeDeadline() {
        return deadline != null && answeredAt.isBefore(deadline);
    }

    /** Whether Lambda would report this invocation as timed out. */
    public boolean timedOut() {
        return "Sandbox.Timedout".equals(errorType);
    }
}
