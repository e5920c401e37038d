package io.skylift.migrator.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A local stand-in for the pre-signed S3 URL that CloudFormation gives a custom resource as its
 * {@code ResponseURL}: it records every request it receives (any method, any path) and answers
 * {@code 200} with an empty body, as S3 does for a PUT.
 *
 * <p>It can be told to misbehave for the next requests, in the order the rules were given:
 * {@link #failNext(int, int)} answers with an HTTP status (an S3-style XML error body), and
 * {@link #dropNext(int)} closes the connection without answering. Misbehaving requests are
 * recorded too, so a test can count the attempts a retrying client made.
 *
 * <p>Beware of one JDK client behaviour when testing retries: {@code HttpURLConnection}, unless put
 * in streaming mode ({@code setFixedLengthStreamingMode}), silently sends a request again once when
 * the connection closes without an answer; this server then records two requests for one attempt
 * of the caller.
 *
 * <p>Binds 127.0.0.1 on an ephemeral port; thread-safe; {@link #close()} stops it.
 */
public final class ResponseUrlServer implements AutoCloseable {

    /** What to do with one incoming request. */
    private sealed interface Answer permits Status, Drop {
    }

    private record Status(int code) implements Answer {
    }

    private record Drop() implements Answer {
    }

    private final HttpServer server;
    private final List<RecordedRequest> received = new ArrayList<>();
    private final Deque<Answer> misbehaviour = new ArrayDeque<>();
    private int awaited;

    private ResponseUrlServer() {
        server = LoopbackHttp.create();
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a server; close it when done (try-with-resources). */
    public static ResponseUrlServer start() {
        return new ResponseUrlServer();
    }

    /** The base address, {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * A URL shaped like a pre-signed S3 URL: {@code path} (used verbatim, so it may hold
     * percent-encoded characters as CloudFormation's do) followed by an {@code X-Amz-*} query string.
     *
     * @param path must start with {@code /}
     */
    public String url(String path) {
        Objects.requireNonNull(path, "path must not be null");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + path);
        }
        return endpoint() + path
                + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261122T120000Z&X-Amz-SignedHeaders=host"
                + "&X-Amz-Expires=7199&X-Amz-Credential=AKIAEXAMPLE%2F20261122%2Fus-east-1%2Fs3%2Faws4_request"
                + "&X-Amz-Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";
    }

    /**
     * A URL like the ones CloudFormation sends: its path is the URL-encoded stack ARN, logical id
     * and request id, as in {@code /arn%3Aaws%3Acloudformation%3A...%7CMigrations%7C<uuid>}.
     */
    public String url() {
        return url("/arn%3Aaws%3Acloudformation%3Aus-east-1%3A123456789012%3Astack%2FSkylift%2F"
                + "6a1c2e40-0000-11ef-8000-0a1b2c3d4e5f%7CMigrations%7C" + UUID.randomUUID());
    }

    /** The next {@code times} requests are answered with {@code status} (e.g. 503) instead of 200. */
    public synchronized ResponseUrlServer failNext(int times, int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
        for (int i = 0; i < times; i++) {
            misbehaviour.addLast(new Status(status));
        }
        return this;
    }

    /** The next {@code times} requests get no answer: the server reads them, then closes the connection. */
    public synchronized ResponseUrlServer dropNext(int times) {
        for (int i = 0; i < times; i++) {
            misbehaviour.addLast(new Drop());
        }
        return this;
    }

    /** Every request received so far, in arrival order (including failed and dropped ones). */
    public synchronized List<RecordedRequest> requests() {
        return List.copyOf(received);
    }

    /**
     * Waits for the next request not yet returned by this method (the first call returns the first
     * request ever received, the second call the second, ...).
     *
     * @throws AssertionError when none arrives within {@code timeout}; the message lists what did
     */
    public synchronized RecordedRequest awaitRequest(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.size() <= awaited) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no request #" + (awaited + 1) + " within " + timeout
                        + "; received: " + received);
            }
            // Monitor wait in millis; round up so a sub-millisecond remainder still waits.
            wait(Math.max(1, left / 1_000_000));
        }
        return received.get(awaited++);
    }

    @Override
    public void close() {
        LoopbackHttp.stop(server);
    }

    /** An error body as S3 writes it; 403 is what an expired pre-signed URL gets. */
    private static String s3Error(int status) {
        String code = switch (status) {
            case 403 -> "AccessDenied</Code><Message>Request has expired";
            case 503 -> "SlowDown</Code><Message>Please reduce your request rate.";
            default -> "InternalError</Code><Message>We encountered an internal error. Please try again.";
        };
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Message></Error>";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            RecordedRequest request = new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI(),
                    exchange.getRequestHeaders(), LoopbackHttp.readBody(exchange));
            Answer answer;
            synchronized (this) {
                received.add(request);
                answer = misbehaviour.pollFirst();
                notifyAll();
            }
            switch (answer) {
                // Closing an exchange before sending headers closes the connection: the client sees
                // a reset or an end of stream, as with an S3 endpoint that went away mid-request.
                case Drop drop -> { }
                case Status status -> LoopbackHttp.respond(exchange, status.code(), "application/xml",
                        s3Error(status.code()));
                case null -> {
                    exchange.getResponseHeaders().set("ETag", "\"d41d8cd98f00b204e9800998ecf8427e\"");
                    LoopbackHttp.respond(exchange, 200, null, "");
                }
            }
        }
    }
}
