package io.skylift.migrator.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The plumbing the kit's HTTP stand-ins share: a JDK server bound to 127.0.0.1 on an ephemeral
 * port, served by virtual threads, and the few exchange helpers they all need.
 */
final class LoopbackHttp {

    private LoopbackHttp() {
    }

    /**
     * Creates (not starts) a server on 127.0.0.1 and an ephemeral port. Each exchange runs on its
     * own virtual thread: handlers may block (the Runtime API's {@code next} waits for an event)
     * without starving the others.
     */
    static HttpServer create() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind a local HTTP server on 127.0.0.1", e);
        }
    }

    /** Stops the server at once and ends its executor, so no thread outlives {@code close()}. */
    static void stop(HttpServer server) {
        server.stop(0);
        if (server.getExecutor() instanceof ExecutorService executor) {
            executor.shutdownNow();
        }
    }

    /** The request body, read to the end (an empty array for no body). */
    static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    /** Answers with {@code status}, the given content type (none when null) and body, then closes. */
    static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        // Length -1 means "no body" to the JDK server; an empty body must be sent that way.
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
