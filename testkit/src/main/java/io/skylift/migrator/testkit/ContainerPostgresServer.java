package io.skylift.migrator.testkit;

import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.MountableFile;

/**
 * PostgreSQL in a {@code postgres:17} container (the Aurora major), for machines with Docker.
 *
 * <p>The image's {@code pg_hba.conf} asks every TCP client for a password (scram-sha-256), the
 * superuser included. The data directory is a tmpfs and durability settings are off: tests need
 * speed, not crash safety.
 *
 * <p>TLS: a {@link TestCertificateAuthority} made at start issues the server's certificate for {@code localhost},
 * {@code 127.0.0.1} and the Docker host's name; the key is copied into the container and handed to the
 * {@code postgres} user before the image's entry point starts the server with {@code ssl=on}.
 */
final class ContainerPostgresServer implements PostgresServer {

    static final String IMAGE = "postgres:17";

    private static final String TLS_DIRECTORY = "/skylift-tls";

    private final PostgreSQLContainer container;
    private final Path tlsDirectory;

    private ContainerPostgresServer(PostgreSQLContainer container, Path tlsDirectory) {
        this.container = container;
        this.tlsDirectory = tlsDirectory;
    }

    /** Pulls (if needed) and starts the container; Testcontainers' reaper removes it if this JVM dies. */
    static ContainerPostgresServer start() {
        Path tls;
        try {
            tls = Files.createTempDirectory("skylift-testkit-tls");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for the test certificates", e);
        }
        String dockerHost = DockerClientFactory.instance().dockerHostIpAddress();
        List<String> dns = new ArrayList<>(List.of("localhost"));
        List<String> ips = new ArrayList<>(List.of("127.0.0.1"));
        if (dockerHost.matches("[0-9.]+|.*:.*")) {
            ips.add(dockerHost);
        } else {
            dns.add(dockerHost);
        }
        TestCertificateAuthority authority = TestCertificateAuthority.create("Skylift test CA (container)");
        authority.writeCertificate(tls.resolve("ca.pem"));
        authority.issueServerCertificate(dns, ips, tls.resolve("server.crt"), tls.resolve("server.key"));
        // PostgreSQL accepts a key only when its owner may read it alone: copy it to a place of the postgres user.
        String prepare = "install -o postgres -g postgres -m 600 " + TLS_DIRECTORY + "/server.key /var/lib/postgresql/"
                + " && install -o postgres -g postgres -m 644 " + TLS_DIRECTORY + "/server.crt /var/lib/postgresql/"
                + " && exec docker-entrypoint.sh \"$@\"";
        PostgreSQLContainer container = new PostgreSQLContainer(DockerImageName.parse(IMAGE))
                .withTmpFs(Map.of("/var/lib/postgresql/data", "rw"));
        container.withCopyFileToContainer(MountableFile.forHostPath(tls.resolve("server.key"), 0600),
                        TLS_DIRECTORY + "/server.key")
                .withCopyFileToContainer(MountableFile.forHostPath(tls.resolve("server.crt"), 0644),
                        TLS_DIRECTORY + "/server.crt")
                .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint("sh", "-c", prepare, "sh"));
        container.withCommand("postgres", "-c", "fsync=off", "-c", "full_page_writes=off",
                "-c", "synchronous_commit=off", "-c", "max_connections=300", "-c", "ssl=on",
                "-c", "ssl_cert_file=/var/lib/postgresql/server.crt", "-c", "ssl_key_file=/var/lib/postgresql/server.key");
        container.start();
        return new ContainerPostgresServer(container, tls);
    }

    @Override
    public String log() {
        return container.getLogs();
    }

    @Override
    public Path caCertificate() {
        return tlsDirectory.resolve("ca.pem");
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
        FileTrees.delete(tlsDirectory);
    }
}
