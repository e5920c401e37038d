package io.skylift.migrator.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A TCP proxy on 127.0.0.1 in front of another local port (a test database), whose network can be made to misbehave
 * for the connections that arrive from then on, while those already open keep working:
 * <ul>
 *   <li>{@link #stallNewConnections(Duration)}: forwarded, but the server's answer stops after its first byte for a
 *       while (for PostgreSQL: it has agreed to TLS, and then the TLS handshake stalls);</li>
 *   <li>{@link #blackHoleNewConnections()}: accepted, read, never answered (a black-holed network: for example the
 *       separate connection that carries a PostgreSQL cancel request);</li>
 *   <li>{@link #redirectNewConnections(int)}: forwarded to another local port (another server answers);</li>
 *   <li>{@link #refuseNewConnections()}: the port closes (the database became unreachable).</li>
 * </ul>
 * {@link #beforeEachConnection(IntConsumer)} lets a test change any of that from a given connection on (for example
 * from the second one: after the migrator's first connection, when Flyway opens its own).
 * Thread-safe; {@link #close()} closes the port and every connection through it.
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger blackHoled = new AtomicInteger();
    private final Thread acceptor;
    private volatile Duration stall = Duration.ZERO;
    private volatile boolean blackHole;
    private volatile int upstreamPort;
    private volatile boolean refuse;
    private volatile IntConsumer beforeEach = number -> { };

    private TcpProxy(int targetPort) {
        this.upstreamPort = targetPort;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind a local TCP proxy on 127.0.0.1", e);
        }
        acceptor = Thread.ofVirtual().name("tcp-proxy").start(this::acceptForever);
    }

    /** A proxy to {@code 127.0.0.1:targetPort}, forwarding at once until told otherwise. */
    public static TcpProxy to(int targetPort) {
        return new TcpProxy(targetPort);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** How many connections it has accepted so far. */
    public int connectionsAccepted() {
        return accepted.get();
    }

    /** How many of them were black-holed. */
    public int connectionsBlackHoled() {
        return blackHoled.get();
    }

    /**
     * For connections accepted from now on, the server's first byte is forwarded, the rest only after {@code stall};
     * {@link Duration#ZERO} forwards them at once again.
     */
    public TcpProxy stallNewConnections(Duration stall) {
        this.stall = stall;
        return this;
    }

    /** Connections accepted from now on are never forwarded nor answered. */
    public TcpProxy blackHoleNewConnections() {
        this.blackHole = true;
        return this;
    }

    /** Connections accepted from now on go to {@code 127.0.0.1:otherPort}. */
    public TcpProxy redirectNewConnections(int otherPort) {
        this.upstreamPort = otherPort;
        return this;
    }

    /**
     * The port closes: connections accepted from now on are closed at once, later ones refused. Those already
     * forwarded keep working.
     */
    public TcpProxy refuseNewConnections() {
        this.refuse = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        return this;
    }

    /**
     * Runs {@code hook} with each new connection's number (1 for the first) on accepting it, before it is handled:
     * what the hook sets applies to that connection already.
     */
    public TcpProxy beforeEachConnection(IntConsumer hook) {
        this.beforeEach = hook;
        return this;
    }

    private void acceptForever() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                beforeEach.accept(accepted.incrementAndGet());
                if (refuse) {
                    closeQuietly(client);
                    continue;
                }
                boolean silent = blackHole;
                int upstreamPort = this.upstreamPort;
                Duration wait = stall;
                Thread.ofVirtual().start(() -> serve(client, silent, wait, upstreamPort));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client, boolean silent, Duration wait, int upstreamPort) {
        try {
            if (silent) {
                blackHoled.incrementAndGet();
                client.getInputStream().transferTo(OutputStream.nullOutputStream());
                return;
            }
            Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
            sockets.add(upstream);
            Thread.ofVirtual().start(() -> pipe(upstream, client, wait));
            pipe(client, upstream, Duration.ZERO);
        } catch (IOException ended) {
            closeQuietly(client);
        }
    }

    private static void pipe(Socket from, Socket to, Duration stallAfterFirstByte) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            if (!stallAfterFirstByte.isZero()) {
                int first = in.read();
                if (first < 0) {
                    return;
                }
                out.write(first);
                out.flush();
                Thread.sleep(stallAfterFirstByte);
            }
            in.transferTo(out);
        } catch (IOException | InterruptedException ignored) {
            // one side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        sockets.forEach(TcpProxy::closeQuietly);
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
