package io.skylift.migrator.cloudformation;

import io.skylift.migrator.Lazy;
import io.skylift.migrator.deadline.Deadline;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PUTs an answer to a pre-signed {@code ResponseURL}, only one {@link ResponseUrlPolicy} accepts. Retries with backoff on connection errors, timeouts and 5xx,
 * checks for 2xx, and stops at the deadline: each attempt gets at most 10 s, and never more than the time left. Sends a {@code Content-Length} and no {@code Content-Type}: the URL was
 * signed without one, and S3 rejects a request whose headers differ from the signature.
 *
 * <p>The HTTP client is built on the first answer: direct invocations never send one, and building it (a selector
 * thread and its classes) would cost every cold start tens of milliseconds.
 */
public final class ResponseSender {
    private static final Logger LOG = LoggerFactory.getLogger(ResponseSender.class);
    /** The longest one attempt may take; less when less time is left. */
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

    private final Lazy<HttpClient> client;
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
        this.client = new Lazy<>(clientFactory);
        this.maxAttempts = maxAttempts;
        this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff must not be null");
    }

    private static Supplier<HttpClient> constant(HttpClient client) {
        return () -> client;
    }

    /**
     * @param deadline no attempt outlives it: each attempt's connect and read get at most the time left
     * @return true when CloudFormation's URL accepted the answer (2xx); false at once, with nothing sent, for a URL
     *         {@link ResponseUrlPolicy} refuses
     */
    public boolean send(String responseUrl, byte[] body, Deadline deadline) {
        var refusal = ResponseUrlPolicy.refusal(responseUrl);
        if (refusal.isPresent()) {
            LOG.error("Not sending the answer: {}", refusal.get());
            return false;
        }
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(responseUrl))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        } catch (IllegalArgumentException e) {
            LOG.error("The event's ResponseURL is not a valid URL; the answer cannot be sent");
            return false;
        }
        Duration backoff = initialBackoff;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            Duration budget = min(ATTEMPT_TIMEOUT, deadline.remaining());
            if (budget.isZero()) {
                LOG.error("Could not deliver the answer to CloudFormation: no time left before the deadline after {} "
                        + "attempt(s)", attempt - 1);
                return false;
            }
            String problem;
            try {
                int status = put(request.timeout(budget).build(), budget);
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

    /**
     * One attempt, given up after {@code budget} whatever phase it is in: the request's own timeout covers the
     * answer, the bounded wait also covers connecting (the client's connect timeout is fixed when it is built).
     */
    private int put(HttpRequest request, Duration budget) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<Void>> exchange =
                client.get().sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            return exchange.get(budget.toNanos(), TimeUnit.NANOSECONDS).statusCode();
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new HttpTimeoutException("no answer within " + budget.toMillis() + " ms");
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
