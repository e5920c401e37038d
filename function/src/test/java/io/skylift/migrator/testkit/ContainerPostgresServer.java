package io.skylift.migrator.testkit;

import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

import java.util.Map;

/**
 * PostgreSQL in a {@code postgres:17} container (the Aurora major), for machines with Docker.
 *
 * <p>The image's {@code pg_hba.conf} asks every TCP client for a password (scram-sha-256), the
 * superuser included. The data directory is a tmpfs and durability settings are off: tests need
 * speed, not crash safety.
 */
final class ContainerPostgresServer implements PostgresServer {

    static final String IMAGE = "postgres:17";

    private final PostgreSQLContainer container;

    private ContainerPostgresServer(PostgreSQLContainer container) {
        this.container = container;
    }

    /** Pulls (if needed) and starts the container; Testcontainers' reaper removes it if this JVM dies. */
    static ContainerPostgresServer start() {
        PostgreSQLContainer container = new PostgreSQLContainer(DockerImageName.parse(IMAGE))
                .withTmpFs(Map.of("/var/lib/postgresql/data", "rw"));
        container.withCommand("postgres", "-c", "fsync=off", "-c", "full_page_writes=off",
                "-c", "synchronous_commit=off", "-c", "max_connections=300");
        container.start();
        return new ContainerPostgresServer(container);
    }

    @Override
    public String description() {
        return "Testcontainers " + IMAGE + " (" + container.getContainerId().substring(0, 12) + ")";
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int port() {
        return container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT);
    }

    @Override
    public String adminUsername() {
        return container.getUsername();
    }

    @Override
    public String adminPassword() {
        return container.getPassword();
    }

    @Override
    public void close() {
        try {
            container.stop();
        } catch (RuntimeException e) {
            System.err.println("[skylift-testkit] could not stop the PostgreSQL container: " + e);
        }
    }
}
