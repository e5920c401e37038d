package io.skylift.image;

import io.skylift.migrator.testkit.TestCertificateAuthority;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The AOT training's database: a real PostgreSQL (the embedded binaries from Maven Central that the tests use, for
 * x86_64 and arm64) that, as Aurora with {@code rds.force_ssl=1}, takes the migrator's role over TLS only and by
 * SCRAM-SHA-256, with a certificate for {@code localhost} from a certificate authority made for this run.
 *
 * <p>PostgreSQL refuses to run as root: so does this class, with what to do instead (the Dockerfile's training stage
 * runs as a user of its own).
 */
final class TrainingDatabase implements AutoCloseable {
    static final String HOST = "localhost";
    static final String DATABASE = "training";
    static final String USERNAME = "migrator";

    /** Only the training's own connections exist: the superuser trusted on loopback, the migrator by TLS and SCRAM. */
    private static final String PG_HBA = """
            local   all postgres              trust
            host    all postgres 127.0.0.1/32 trust
            host    all postgres ::1/128      trust
            hostssl all all      127.0.0.1/32 scram-sha-256
            hostssl all all      ::1/128      scram-sha-256
            """;

    private final EmbeddedPostgres postgres;
    private final Path caCertificate;
    private final String password;

    private TrainingDatabase(EmbeddedPostgres postgres, Path caCertificate, String password) {
        this.postgres = postgres;
        this.caCertificate = caCertificate;
        this.password = password;
    }

    /**
     * Starts the server with its files under {@code directory} and creates the migrator's role and database.
     *
     * @param userId the user id this process runs as
     * @throws IllegalStateException when {@code userId} is root, or the server does not start (with its log's tail)
     */
    static TrainingDatabase start(Path directory, long userId) {
        if (userId == 0) {
            throw new IllegalStateException("the AOT training runs PostgreSQL, which refuses to run as root: run it as "
                    + "another user (the Dockerfile's training stage sets USER before its RUN)");
        }
        Path tls = createDirectories(directory.resolve("tls"));
        Path log = directory.resolve("postgres.log");
        // Certificates as Aurora's: RSA 2048 (read when the authority's class loads).
        System.setProperty(TestCertificateAuthority.KEYS_PROPERTY, "rsa");
        TestCertificateAuthority authority = TestCertificateAuthority.create("Skylift AOT training CA");
        Path caCertificate = authority.writeCertificate(tls.resolve("ca.pem"));
        Path certificate = tls.resolve("server.crt");
        Path key = tls.resolve("server.key");
        authority.issueServerCertificate(List.of(HOST), List.of("127.0.0.1"), certificate, key);
        EmbeddedPostgres postgres;
        try {
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(directory.resolve("data").toFile())
                    .setRegisterShutdownHook(false)
                    .setLocaleConfig("locale", "C")
                    .setServerConfig("listen_addresses", HOST)
                    .setServerConfig("fsync", "off")
                    .setServerConfig("ssl", "on")
                    .setServerConfig("ssl_cert_file", certificate.toString())
                    .setServerConfig("ssl_key_file", key.toString())
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .setDataDirectoryCustomizer(data -> writePgHba(data.toPath()))
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the training's PostgreSQL did not start (log " + log + "):\n"
                    + tail(log), e);
        }
        // A password of this run only: nothing outside the training ever connects.
        String password = java.util.UUID.randomUUID().toString();
        try (Connection admin = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.getPort()
                + "/postgres?sslmode=disable", "postgres", "");
             Statement statement = admin.createStatement()) {
            // CREATEROLE as an Aurora master user has it (rds_superuser): migrations create application roles.
            statement.execute("CREATE ROLE " + USERNAME + " LOGIN CREATEROLE PASSWORD '" + password + "'");
            statement.execute("CREATE DATABASE " + DATABASE + " OWNER " + USERNAME);
        } catch (SQLException e) {
            closeQuietly(postgres);
            throw new IllegalStateException("cannot create the training's role and database: " + e.getMessage(), e);
        }
        return new TrainingDatabase(postgres, caCertificate, password);
    }

    /** The PEM file of the CA that issued the server's certificate: the function's {@code DB_SSL_ROOT_CERT}. */
    Path caCertificate() {
        return caCertificate;
    }

    /** The migrator's secret in Amazon RDS's JSON form (what {@code DB_SECRET_ARN} names). */
    String rdsSecretJson() {
        return "{\"engine\":\"postgres\",\"host\":\"" + HOST + "\",\"port\":" + postgres.getPort() + ",\"dbname\":\""
                + DATABASE + "\",\"username\":\"" + USERNAME + "\",\"password\":\"" + password + "\"}";
    }

    @Override
    public void close() {
        closeQuietly(postgres);
    }

    private static void closeQuietly(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException | RuntimeException e) {
            System.err.println("The training's PostgreSQL did not stop cleanly: " + e);
        }
    }

    private static void writePgHba(Path data) {
        try {
            Files.writeString(data.resolve("pg_hba.conf"), PG_HBA, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write pg_hba.conf in " + data, e);
        }
    }

    private static Path createDirectories(Path directory) {
        try {
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
