package io.skylift.migrator.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * A local Lambda Runtime API (version 2018-06-01), the HTTP interface that Lambda offers a
 * runtime at {@code AWS_LAMBDA_RUNTIME_API}:
 * <ul>
 *   <li>{@code GET /2018-06-01/runtime/invocation/next} waits until an event is queued, then
 *       serves it with {@code Lambda-Runtime-Aws-Request-Id}, {@code Lambda-Runtime-Deadline-Ms}
 *       (delivery time + the function timeout, epoch milliseconds),
 *       {@code Lambda-Runtime-Invoked-Function-Arn} and {@code Lambda-Runtime-Trace-Id};</li>
 *   <li>{@code POST /2018-06-01/runtime/invocation/{id}/response} and {@code .../{id}/error}
 *       complete the invocation (202); an unknown or already answered id gets 400, as a second
 *       answer would in Lambda;</li>
 *   <li>{@code POST /2018-06-01/runtime/init/error} records an init failure (202).</li>
 * </ul>
 * Events are served one at a time in the order queued. Binds 127.0.0.1 on an ephemeral port;
 * thread-safe; {@link #close()} stops it.
 */
public final class LocalRuntimeApi implements AutoCloseable {

    /** Extra time after the deadline for the answer to cross the loopback before calling it a timeout. */
    static final Duration DEADLINE_SLACK = Duration.ofMillis(250);

    private static final String PREFIX = "/2018-06-01/runtime/";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One queued event and what became of it. */
    static final class Invocation {
        final String requestId = UUID.randomUUID().toString();
        final String eventJson;
        final Duration functionTimeout;
        final CompletableFuture<Instant> delivered = new CompletableFuture<>();
        final CompletableFuture<InvocationResult> result = new CompletableFuture<>();
        volatile Instant deliveredAt;
        volatile Instant deadline;

        Invocation(String eventJson, Duration functionTimeout) {
            this.eventJson = eventJson;
            this.functionTimeout = functionTimeout;
        }
    }

    private final HttpServer server;
    private final String functionArn;
    private final BlockingQueue<Invocation> queue = new LinkedBlockingQueue<>();
    private final Map<String, Invocation> delivered = new ConcurrentHashMap<>();
    private final CompletableFuture<InvocationResult> initError = new CompletableFuture<>();

    private LocalRuntimeApi(String functionName) {
        this.functionArn = "arn:aws:lambda:us-east-1:123456789012:function:" + functionName;
        server = LoopbackHttp.create();
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    /** Starts a Runtime API for a function named {@code skylift-migrator}. */
    public static LocalRuntimeApi start() {
        return start("skylift-migrator");
    }

    /** Starts a Runtime API; {@code functionName} goes into the invoked function ARN. */
    public static LocalRuntimeApi start(String functionName) {
        return new LocalRuntimeApi(Objects.requireNonNull(functionName, "functionName must not be null"));
    }

    /** The value for {@code AWS_LAMBDA_RUNTIME_API}: {@code 127.0.0.1:<port>}. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** The ARN sent as {@code Lambda-Runtime-Invoked-Function-Arn}. */
    public String functionArn() {
        return functionArn;
    }

    /**
     * Queues an event and waits for the runtime's answer, as a synchronous {@code aws lambda invoke}.
     *
     * @param eventJson the payload, passed to the runtime byte for byte
     * @param timeout   the function timeout: the deadline is the delivery time plus this; with no
     *                  answer by then (plus {@link #DEADLINE_SLACK}) the result is a timeout error
     * @throws IllegalStateException when no runtime takes the event within 30 s
     */
    public InvocationResult invoke(String eventJson, Duration timeout) throws InterruptedException {
        return await(enqueue(eventJson, timeout), Duration.ofSeconds(30), () -> true);
    }

    /** The init error the runtime reported, if it reported one. */
    public Optional<InvocationResult> initError() {
        return Optional.ofNullable(initError.getNow(null));
    }

    @Override
    public void close() {
        LoopbackHttp.stop(server);
        InvocationResult closed = new InvocationResult(null, true, "{\"errorMessage\":\"Runtime API closed\"}",
                "Runtime.Closed", null, null, Instant.now());
        queue.forEach(invocation -> invocation.result.complete(closed));
        delivered.values().forEach(invocation -> invocation.result.complete(closed));
    }

    /** Queues an event; the runtime's next {@code next} call gets it. */
    Invocation enqueue(String eventJson, Duration timeout) {
        Objects.requireNonNull(eventJson, "eventJson must not be null");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        Invocation invocation = new Invocation(eventJson, timeout);
        queue.add(invocation);
        return invocation;
    }

    /**
     * Waits for the event to be taken (up to {@code startupTimeout}, and only while
     * {@code runtimeAlive} says so), then for the answer until the deadline plus slack.
     *
     * @return the answer, or a {@code Sandbox.Timedout} error result as Lambda reports a timeout
     * @throws IllegalStateException when the runtime dies or never takes the event
     */
    InvocationResult await(Invocation invocation, Duration startupTimeout, BooleanSupplier runtimeAlive)
            throws InterruptedException {
        long giveUp = System.nanoTime() + startupTimeout.toNanos();
        while (!invocation.delivered.isDone()) {
            if (invocation.result.isDone()) {
                return invocation.result.join(); // closed while waiting
            }
            if (!runtimeAlive.getAsBoolean() || initError.isDone() || System.nanoTime() > giveUp) {
                queue.remove(invocation);
                throw new IllegalStateException("the runtime did not take the event ("
                        + (initError.isDone() ? "init error: " + initError.join().body()
                        : runtimeAlive.getAsBoolean() ? "waited " + startupTimeout : "it exited") + ")");
            }
            sleepOrDone(invocation.delivered);
        }
        Instant timeoutAt = invocation.deadline.plus(DEADLINE_SLACK);
        while (!invocation.result.isDone()) {
            if (Instant.now().isAfter(timeoutAt)) {
                InvocationResult timedOut = new InvocationResult(invocation.requestId, true,
                        "{\"errorMessage\":\"" + Instant.now() + " " + invocation.requestId + " Task timed out after "
                                + String.format(Locale.ROOT, "%.2f", invocation.functionTimeout.toMillis() / 1000.0) + " seconds\"}",
                        "Sandbox.Timedout", invocation.deliveredAt, invocation.deadline, Instant.now());
                if (invocation.result.complete(timedOut)) {
                    return timedOut;
                }
                break;
            }
            if (!runtimeAlive.getAsBoolean()) {
                // The answer may have arrived just before the exit; give it one more look.
                sleepOrDone(invocation.result);
                if (!invocation.result.isDone()) {
                    throw new IllegalStateException("the runtime exited before answering " + invocation.requestId);
                }
            }
            sleepOrDone(invocation.result);
        }
        return invocation.result.join();
    }

    /** Waits up to 50 ms for {@code future}: short enough to notice a dead runtime quickly. */
    private static void sleepOrDone(CompletableFuture<?> future) throws InterruptedException {
        try {
            future.get(50, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException ignored) {
            // checked again by the caller
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
            String method = exchange.getRequestMethod();
            if (method.equals("GET") && path.equals("invocation/next")) {
                next(exchange);
            } else if (method.equals("POST") && path.equals("init/error")) {
                String body = new String(LoopbackHttp.readBody(exchange), StandardCharsets.UTF_8);
                initError.complete(new InvocationResult(null, true, body,
                        exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type"), null, null,
                        Instant.now()));
                accepted(exchange);
            } else if (method.equals("POST") && path.startsWith("invocation/")
                    && (path.endsWith("/response") || path.endsWith("/error"))) {
                answer(exchange, path);
            } else {
                LoopbackHttp.respond(exchange, 404, "application/json",
                        "{\"errorMessage\":\"Unknown Runtime API path\",\"errorType\":\"NotFound\"}");
            }
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        Invocation invocation;
        try {
            invocation = queue.take();
        } catch (InterruptedException e) {
            // The server is closing: drop the connection, as Lambda does when it ends a sandbox.
            return;
        }
        Instant now = Instant.now();
        invocation.deliveredAt = now;
        invocation.deadline = now.plus(invocation.functionTimeout);
        delivered.put(invocation.requestId, invocation);
        var headers = exchange.getResponseHeaders();
        headers.set("Lambda-Runtime-Aws-Request-Id", invocation.requestId);
        headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(invocation.deadline.toEpochMilli()));
        headers.set("Lambda-Runtime-Invoked-Function-Arn", functionArn);
        headers.set("Lambda-Runtime-Trace-Id", traceId(now));
        invocation.delivered.complete(now);
        LoopbackHttp.respond(exchange, 200, "application/json", invocation.eventJson);
    }

    private void answer(HttpExchange exchange, String path) throws IOException {
        String rest = path.substring("invocation/".length());
        String requestId = rest.substring(0, rest.indexOf('/'));
        boolean error = rest.endsWith("/error");
        String body = new String(LoopbackHttp.readBody(exchange), StandardCharsets.UTF_8);
        Invocation invocation = delivered.get(requestId);
        String errorType = error ? exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type") : null;
        if (invocation == null || !invocation.result.complete(new InvocationResult(requestId, error, body, errorType,
                invocation.deliveredAt, invocation.deadline, Instant.now()))) {
            LoopbackHttp.respond(exchange, 400, "application/json",
                    "{\"errorMessage\":\"Invalid request ID or invocation already answered: " + requestId
                            + "\",\"errorType\":\"InvalidRequestID\"}");
            return;
        }
        accepted(exchange);
    }

    private static void accepted(HttpExchange exchange) throws IOException {
        LoopbackHttp.respond(exchange, 202, "application/json", "{\"status\":\"OK\"}");
    }

    /** An X-Ray trace header in Lambda's shape: {@code Root=1-<epoch hex>-<96 random bits>;Parent=...;Sampled=0}. */
    private static String traceId(Instant now) {
        byte[] random = new byte[20];
        RANDOM.nextBytes(random);
        String hex = HexFormat.of().formatHex(random);
        return "Root=1-" + Long.toHexString(now.getEpochSecond()) + "-" + hex.substring(0, 24)
                + ";Parent=" + hex.substring(24, 40) + ";Sampled=0";
    }
}
