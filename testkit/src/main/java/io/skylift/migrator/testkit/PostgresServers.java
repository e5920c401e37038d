package io.skylift.migrator.testkit;

import org.testcontainers.DockerClientFactory;

import java.util.Locale;

/**
 * The one PostgreSQL server of this JVM: chosen once, started on first use, stopped when the JVM
 * exits.
 *
 * <p>The choice: Testcontainers ({@code postgres:17}) when a Docker engine answers, otherwise the
 * embedded server. System property {@value #BACKEND_PROPERTY} (or environment variable
 * {@value #BACKEND_ENV}) forces it: {@code embedded}, {@code docker}, or {@code auto} (the default).
 * Forcing {@code embedded} also skips the Docker probe.
 */
final class PostgresServers {

    static final String BACKEND_PROPERTY = "skylift.testkit.postgres";
    static final String BACKEND_ENV = "SKYLIFT_TESTKIT_POSTGRES";

    private static PostgresServer shared;
    private static RuntimeException startFailure;

    private PostgresServers() {
    }

    /**
     * The server, started on the first call (which prints one line saying which backend runs).
     *
     * @throws IllegalStateException when it cannot start; later calls fail the same way at once
     *                               rather than trying again for every test
     */
    static synchronized PostgresServer shared() {
        if (startFailure != null) {
            throw new IllegalStateException("the test PostgreSQL server failed to start earlier in this JVM",
                    startFailure);
        }
        if (shared == null) {
            long started = System.nanoTime();
            try {
                shared = useDocker() ? ContainerPostgresServer.start() : EmbeddedPostgresServer.start();
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
            PostgresServer server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "skylift-testkit-postgres-stop"));
            System.out.printf("[skylift-testkit] PostgreSQL: %s on %s:%d, ready in %d ms%n",
                    server.description(), server.host(), server.port(), (System.nanoTime() - started) / 1_000_000);
        }
        return shared;
    }

    private static boolean useDocker() {
        String forced = System.getProperty(BACKEND_PROPERTY, System.getenv().getOrDefault(BACKEND_ENV, "auto"))
                .trim().toLowerCase(Locale.ROOT);
        return switch (forced) {
            case "embedded" -> false;
            case "docker" -> true;
            case "auto", "" -> DockerClientFactory.instance().isDockerAvailable();
            default -> throw new IllegalArgumentException(BACKEND_PROPERTY + " must be auto, embedded or docker, not '"
                    + forced + "'");
        };
    }
}
