package io.skylift.migrator.cloudformation;

import io.skylift.migrator.deadline.Deadline;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PUTs an answer to a pre-signed {@code ResponseURL}. Retries with backoff on connection errors and 5xx, checks
 * for 2xx, and stops at the deadline. Sends a {@code Content-Length} and no {@code Content-Type}: the URL was
 * signed without one, and S3 rejects a request whose headers differ from the signature.
 *
 * <p>The HTTP client is built on the first answer: direct invocations never send one, and building it (a selector
 * thread and its classes) would cost every cold start tens of milliseconds.
 */
public final class ResponseSender {
    private static final Logger LOG = LoggerFactory.getLogger(ResponseSender.class);

    private final Supplier<HttpClient> clientFactory;
    private HttpClient client;
    private final int maxAttempts;
    private final Duration initialBackoff;

    /** Up to 6 attempts, backoff from 250 ms doubling. */
    public ResponseSender() {
        this(() -> HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build(), 6, Duration.ofMillis(250));
    }

    public ResponseSender(HttpClient client, int maxAttempts, Duration initialBackoff) {
        this(constant(Objects.requireNonNull(client, "client must not be null")), maxAttempts, initialBackoff);
    }

    private ResponseSender(Supplier<HttpClient> clientFactory, int maxAttempts, Duration initialBackoff) {
        this.clientFactory = clientFactory;
        this.maxAttempts = maxAttempts;
        this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff must not be null");
    }

    private static Supplier<HttpClient> constant(HttpClient client) {
        return () -> client;
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = clientFactory.get();
        }
        return client;
    }

    /**
     * @return true when CloudFormation's URL accepted the answer (2xx)
     */
    public boolean send(String responseUrl, byte[] body, Deadline deadline) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(responseUrl))
                    .timeout(Duration.ofSeconds(10))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
        } catch (IllegalArgumentException e) {
            LOG.error("The event's ResponseURL is not a valid URL; the answer cannot be sent");
            return false;
        }
        Duration backoff = initialBackoff;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            String problem;
            try {
                HttpResponse<Void> response = client().send(request, HttpResponse.BodyHandlers.discarding());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return true;
                }
                problem = "HTTP " + status;
                if (status / 100 != 5) {
                    // 4xx: the signature expired or the URL is wrong; sending the same request again cannot help.
                    LOG.error("CloudFormation's ResponseURL refused the answer ({}); not retrying", problem);
                    return false;
                }
            } catch (IOException e) {
                problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (attempt == maxAttempts || deadline.remaining().compareTo(backoff) <= 0) {
                LOG.error("Could not deliver the answer to CloudFormation after {} attempt(s): {}", attempt, problem);
                return false;
            }
            LOG.warn("Answer to CloudFormation not delivered ({}); retrying in {} ms", problem, backoff.toMillis());
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            backoff = backoff.multipliedBy(2);
        }
        return false;
    }
}
