package io.skylift.migrator.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP endpoint that accepts every connection, reads whatever the client sends, and never answers: a black-holed
 * network as a client sees it once its connect went through (a response URL that hangs, a cancel request that never
 * reaches the database, a database that never finishes its handshake).
 *
 * <p>Binds 127.0.0.1 on an ephemeral port; thread-safe; {@link #close()} closes every connection it accepted.
 */
public final class SilentTcpEndpoint implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final Thread acceptor;

    private SilentTcpEndpoint() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind a local TCP endpoint on 127.0.0.1", e);
        }
        acceptor = Thread.ofVirtual().name("silent-tcp-endpoint").start(this::acceptForever);
    }

    /** Starts an endpoint; close it when done (try-with-resources). */
    public static SilentTcpEndpoint start() {
        return new SilentTcpEndpoint();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:<port>}{@code path}. */
    public String url(String path) {
        return URI.create("http://127.0.0.1:" + port() + path).toString();
    }

    /** How many connections it has accepted so far. */
    public int connectionsAccepted() {
        return connections.get();
    }

    private void acceptForever() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.add(socket);
                connections.incrementAndGet();
                Thread.ofVirtual().start(() -> drain(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Reads so the client's writes never block on a full buffer; answers nothing. */
    private static void drain(Socket socket) {
        byte[] buffer = new byte[8192];
        try (InputStream in = socket.getInputStream()) {
            while (in.read(buffer) >= 0) {
                // discard
            }
        } catch (IOException closed) {
            // the client or close() ended it
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        for (Socket socket : accepted) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
