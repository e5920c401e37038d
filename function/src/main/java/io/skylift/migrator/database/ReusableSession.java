package io.skylift.migrator.database;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A session of the invocation handed to one user at a time: its {@code close()} gives the session back
 * ({@code giveBack}) instead of ending it, and makes this handle unusable, as a closed connection is. Every other call
 * goes to the session.
 */
final class ReusableSession {
    private ReusableSession() {
    }

    static Connection lend(Connection session, Consumer<Connection> giveBack) {
        AtomicBoolean closed = new AtomicBoolean();
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "close" -> {
                        if (closed.compareAndSet(false, true)) {
                            giveBack.accept(session);
                        }
                        yield null;
                    }
                    case "isClosed" -> closed.get() || session.isClosed();
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "reusable " + session;
                    default -> {
                        if (closed.get()) {
                            throw new SQLException("This connection has been closed.", "08003");
                        }
                        yield call(session, method, args);
                    }
                });
    }

    private static Object call(Connection session, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(session, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
