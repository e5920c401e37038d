package io.skylift.migrator.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.lang.reflect.Method;

/**
 * Gives tests a real PostgreSQL 17 database: declare a {@link TestDatabase} parameter on a test,
 * {@code @BeforeEach} or {@code @AfterEach} method of a class annotated
 * {@code @ExtendWith(PostgresExtension.class)}.
 *
 * <p>Promises:
 * <ul>
 *   <li>Every test gets a database of its own, empty, with a role of its own that owns it and logs
 *       in by password; its {@code @BeforeEach}/{@code @AfterEach} methods get the same one. (A
 *       {@code @BeforeAll}/{@code @AfterAll} parameter gets one database for the whole class.)
 *       Both are dropped once the test (or class) is over.</li>
 *   <li>One server per JVM, started on first use and stopped when the JVM exits: a
 *       {@code postgres:17} container when Docker is available (asked once per JVM), otherwise an
 *       embedded PostgreSQL 17 (which also works as root). The first use prints which, once.
 *       See {@link PostgresServers} to force a backend.</li>
 *   <li>No test is skipped for want of Docker: without it, the embedded server runs.</li>
 * </ul>
 */
public final class PostgresExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        // Keyed by the context's own id: the store looks up parent contexts too, and a class-level
        // database must not leak into the tests of that class.
        return extensionContext.getStore(NAMESPACE)
                .getOrComputeIfAbsent(extensionContext.getUniqueId(), id -> Provisioned.create(label(extensionContext)),
                        Provisioned.class)
                .database();
    }

    /**
     * What the shared server has logged so far: to check what PostgreSQL writes to its log (Aurora exports it to
     * CloudWatch). Set {@code log_statement} per database ({@code ALTER DATABASE ... SET}) to log more.
     */
    public static String serverLog() {
        return PostgresServers.shared().log();
    }

    private static String label(ExtensionContext context) {
        return context.getTestMethod().map(Method::getName)
                .orElseGet(() -> context.getTestClass().map(Class::getSimpleName).orElse("db"));
    }

    /** A database that JUnit drops when its context closes (JUnit closes AutoCloseable store values). */
    private record Provisioned(PostgresServer server, TestDatabase database) implements AutoCloseable {

        static Provisioned create(String label) {
            PostgresServer server = PostgresServers.shared();
            return new Provisioned(server, DatabaseProvisioner.create(server, label));
        }

        @Override
        public void close() {
            DatabaseProvisioner.drop(server, database);
        }
    }
}
