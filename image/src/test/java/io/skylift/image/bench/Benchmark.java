package io.skylift.image.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.image.DockerfileStages;
import io.skylift.image.StagedImage;
import io.skylift.migrator.testkit.FakeSecretsManager;
import io.skylift.migrator.testkit.InvocationResult;
import io.skylift.migrator.testkit.LocalDatabases;
import io.skylift.migrator.testkit.RuntimeInterfaceClientProcess;
import io.skylift.migrator.testkit.TestCertificateAuthority;
import io.skylift.migrator.testkit.TestDatabase;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The start-up benchmark: the migrator as its image starts it against the Flyway command line and plain flyway-core as
 * their users run them, on one local PostgreSQL that requires TLS (as Aurora with {@code rds.force_ssl}), with the same
 * migrations, in one run. Prints a table of medians and ratios against the targets, and the levers, and writes them to
 * {@code target/bench/results.md}.
 *
 * <p>Every cold figure is a fresh process, timed from just before it is started to the answer: for the migrator, the
 * moment its Runtime Interface Client posts the response to a local Runtime API. The migrator starts exactly as in the
 * image: the image carried out from its Dockerfile ({@link StagedImage}), its bootstrap (class path, JVM flags, AOT cache), a cache made by the
 * Dockerfile's training command; it reads both secrets through the AWS SDK from a local Secrets Manager endpoint and
 * verifies the server's certificate (the default {@code verify-full}) against a CA bundle as large as Amazon RDS's
 * global one, which the image trusts by default. The baselines verify it against the same bundle; their time runs to
 * the process's exit. Peak RSS is the process's {@code VmHWM}.
 *
 * <p>Run with {@code ./mvnw -B -q -pl image -am -Pbenchmark verify} (see docs/benchmark.md); system properties
 * {@code bench.coldRuns}, {@code bench.warmRuns}, {@code bench.scaleRuns}, {@code bench.scaleMigrations} change the
 * counts. {@code bench.only} runs only the scenarios it lists, comma-separated, out of {@link Scenario}'s names
 * ({@code noop}, {@code apply}, {@code warm}, {@code scale}, {@code levers}; default: all; {@code levers} brings
 * {@code noop}, which they are compared with), and reports only theirs:
 * {@code -Dbench.only=scale} measures the 1,000 migrations in about 3 minutes instead of the whole run's 6.
 * {@code bench.jfr=true} records every cold Skylift and plain flyway-core process with JDK Flight Recorder (profile
 * settings, every socket read and write) into {@code target/bench/jfr/<scenario>-<tool>-<n>.jfr}, for
 * {@code jfr print}/{@code jfr summary}; the recording costs time, so its figures are for profiles, not for the table.
 *
 * {@code bench.cpus} (a {@code taskset} CPU list, e.g. {@code 1}) runs every tool's process, Skylift's bootstrap
 * unchanged, on those CPUs only, the database on all: a function below 1,769 MB has less than one vCPU, so a tool
 * that compiles in background threads (C2) cannot borrow a second core there.
 *
 * <p>The scale scenario also reports what the database did for each tool, from {@code pg_stat_database} (sessions,
 * transactions, time spent running statements): counters that hardly move with the machine's load, unlike wall time.
 */
public final class Benchmark {
    private static final String HANDLER = "io.skylift.migrator.MigratorHandler::handleRequest";
    private static final String MIGRATE = "{\"command\":\"migrate\"}";
    private static final int REALISTIC_VERSIONED = 30;
    /**
     * The regions of the stand-in for Amazon RDS's global bundle: each has three root CAs named as Amazon names them
     * (RSA2048, RSA4096, ECC384), about as many certificates in all as the real bundle.
     */
    private static final List<String> RDS_REGIONS = List.of("us-east-1", "us-east-2", "us-west-1", "us-west-2",
            "af-south-1", "ap-east-1", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2",
            "ap-southeast-3", "ap-southeast-4", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ca-central-1",
            "ca-west-1", "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1",
            "eu-south-2", "eu-north-1", "il-central-1", "me-south-1", "me-central-1", "sa-east-1", "mx-central-1");
    private static final List<String> RDS_CA_KINDS = List.of("RSA2048 G1", "RSA4096 G1", "ECC384 G1");
    /** What Lambda's Java runtime starts a JVM with (see the bootstrap), for the baseline's lever. */
    private static final List<String> LAMBDA_JVM_FLAGS = List.of("-XX:+UseSerialGC", "-XX:+TieredCompilation",
            "-XX:TieredStopAtLevel=1");
    /** The jars Lambda's base image starts its runtime client from (outside the task root). */
    private static final List<String> RUNTIME_CLIENT_JARS = List.of("aws-lambda-java-runtime-interface-client",
            "aws-lambda-java-serialization", "aws-lambda-java-core");

    /** The benchmark's scenarios, named as {@code bench.only} lists them. */
    enum Scenario {
        /** The cold no-op: every migration already applied. */
        NOOP,
        /** The cold apply of the realistic migrations to an empty database. */
        APPLY,
        /** The warm no-op: invocations after the first, in one JVM. */
        WARM,
        /** {@code bench.scaleMigrations} small migrations to an empty database. */
        SCALE,
        /** The cold no-op without each lever; runs {@link #NOOP} too, which they are compared with. */
        LEVERS;

        /** The scenarios {@code list} names (comma-separated, any case); all of them when it is blank. */
        static Set<Scenario> parse(String list) {
            if (list == null || list.isBlank()) {
                return EnumSet.allOf(Scenario.class);
            }
            Set<Scenario> scenarios = EnumSet.noneOf(Scenario.class);
            for (String name : list.split(",")) {
                String wanted = name.strip().toUpperCase(Locale.ROOT);
                scenarios.add(Stream.of(values()).filter(s -> s.name().equals(wanted)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("bench.only names an unknown scenario '"
                                + name.strip() + "': list some of " + Stream.of(values())
                                .map(s -> s.name().toLowerCase(Locale.ROOT)).toList() + ", comma-separated")));
            }
            if (scenarios.contains(LEVERS)) {
                scenarios.add(NOOP); // the levers are compared with the no-op as shipped, from the same run
            }
            return scenarios;
        }
    }

    /** How the migrator's JVM is started. */
    private enum Start {
        /** The image's bootstrap with its AOT cache: as shipped. */
        IMAGE,
        /** The image's bootstrap without the cache ({@code SKYLIFT_AOT=off}). */
        NO_CACHE,
        /** As Lambda's base image starts a function: the runtime client's jars on the class path, the function's
         *  jars loaded by the runtime client's own class loader from {@code lib/}, no cache. */
        BASE_IMAGE
    }

    /**
     * The CA file every tool verifies the database's certificate against, the same for all in a case: what the
     * migrator's TLS costs with each.
     */
    enum Ca {
        /** One certificate: the database's CA alone (DB_SSL_ROOT_CERT for the migrator). */
        ONE("one-certificate CA"),
        /**
         * The bundle the image uses by default: its region's ({@code rds-ca/<AWS_REGION>-bundle.pem}, written by the
         * Dockerfile from the global bundle), the database's CA among the region's.
         */
        REGION("the region's RDS bundle, the image's default");

        final String label;

        Ca(String label) {
            this.label = label;
        }

        String key() {
            return "@" + name().toLowerCase(Locale.ROOT);
        }
    }

    private final Path module = Path.of(System.getProperty("bench.module", ".")).toAbsolutePath().normalize();
    private final Path repository = module.getParent();
    private final Path work = module.resolve("target/bench");
    private final int coldRuns = Integer.getInteger("bench.coldRuns", 5);
    private final int warmRuns = Integer.getInteger("bench.warmRuns", 60);
    private final int scaleRuns = Integer.getInteger("bench.scaleRuns", 3);
    private final int scaleMigrations = Integer.getInteger("bench.scaleMigrations", 1000);
    private final Set<Scenario> scenarios = Scenario.parse(System.getProperty("bench.only"));
    private final boolean jfr = Boolean.getBoolean("bench.jfr");
    /** With {@code bench.cpus}: the CPUs (a taskset list) every tool's process runs on; the database's are not. */
    private final String cpus = System.getProperty("bench.cpus", "").strip();
    private final Map<String, Integer> recordings = new HashMap<>();
    /** The scenario running, for the names of JFR recordings. */
    private String currentScenario = "setup";
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final List<String> log = new ArrayList<>();

    private FakeSecretsManager secrets;
    private String appSecretArn;
    private StagedImage image;
    private Path realistic;
    private Path scale;
    private String cliClasspath;
    private String plainClasspath;
    private int realisticCount;
    private TestDatabase noop;
    private String noopSecret;
    private Path globalBundle;
    /** The CA case running: the CA file of every tool's connections. */
    private Ca ca = Ca.REGION;

    public static void main(String[] args) throws Exception {
        System.setProperty("skylift.testkit.postgres", System.getProperty("skylift.testkit.postgres", "embedded"));
        // Aurora's certificates: RSA 2048 under rds-ca-rsa2048-g1, Amazon RDS's default CA.
        System.setProperty(TestCertificateAuthority.KEYS_PROPERTY,
                System.getProperty(TestCertificateAuthority.KEYS_PROPERTY, "rsa"));
        int status = 1;
        try {
            new Benchmark().run();
            status = 0;
        } catch (Exception | Error e) {
            e.printStackTrace();
        } finally {
            // The embedded PostgreSQL and the local endpoints stop with the JVM, which their threads would otherwise
            // keep alive after a failure: Maven would wait for ever.
            System.exit(status);
        }
    }

    private void run() throws Exception {
        long started = System.nanoTime();
        note("scenarios: " + scenarios.stream().map(v -> v.name().toLowerCase(Locale.ROOT)).toList()
                + (jfr ? ", recorded with JFR into " + work.resolve("jfr") : "")
                + (cpus.isEmpty() ? "" : ", every tool on CPU(s) " + cpus + " only"));
        prepare();
        Results results = new Results();

        // The no-op, the apply and the warm no-op with each CA case, every tool with the same CA file; the
        // one-certificate CA first. The scale and the levers take the image's default (the last case).
        for (Ca each : Ca.values()) {
            ca = each;
            if (scenarios.contains(Scenario.NOOP)) {
                currentScenario = "noop";
                note(ca.label + ": cold no-op: " + coldRuns + " runs of each, interleaved");
                prepareNoop();
                // One untimed round: the page cache, the database and the local endpoints are then as warm for all.
                ours(noop, noopSecret, Start.IMAGE, Map.of());
                cli(noop, realistic, "No migration necessary");
                plain(noop, realistic, 0);
                for (int round = 0; round < coldRuns; round++) {
                    results.add("noop.ours" + ca.key(),
                            expectApplied(ours(noop, noopSecret, Start.IMAGE, Map.of()), 0));
                    results.add("noop.cli" + ca.key(), cli(noop, realistic, "No migration necessary"));
                    results.add("noop.core" + ca.key(), plain(noop, realistic, 0));
                }
            }

            if (scenarios.contains(Scenario.APPLY)) {
                currentScenario = "apply";
                note(ca.label + ": cold apply of " + realisticCount + " migrations to an empty database: " + coldRuns
                        + " runs of each");
                for (int round = 0; round < coldRuns; round++) {
                    String suffix = ca.key().substring(1) + "_" + round;
                    TestDatabase ours = LocalDatabases.create("bench_apply_ours_" + suffix);
                    results.add("apply.ours" + ca.key(), expectApplied(ours(ours, secretFor(ours), Start.IMAGE,
                            Map.of()), realisticCount));
                    results.add("apply.cli" + ca.key(), cli(LocalDatabases.create("bench_apply_cli_" + suffix),
                            realistic, "Successfully applied " + realisticCount));
                    results.add("apply.core" + ca.key(), plain(LocalDatabases.create("bench_apply_core_" + suffix),
                            realistic, realisticCount));
                }
            }

            if (scenarios.contains(Scenario.WARM)) {
                currentScenario = "warm";
                note(ca.label + ": warm no-op: " + warmRuns + " invocations after the first, in one JVM each");
                prepareNoop();
                results.warm("warm.ours" + ca.key(), oursWarm(noop, noopSecret, Map.of()));
                results.warm("warm.core" + ca.key(), plainWarm(noop));
            }
        }

        if (scenarios.contains(Scenario.SCALE)) {
            currentScenario = "scale";
            note("scale: " + scaleMigrations + " migrations to an empty database: " + scaleRuns + " runs of each");
            TestDatabase observer = LocalDatabases.create("bench_observer");
            for (int round = 0; round < scaleRuns; round++) {
                TestDatabase ours = LocalDatabases.create("bench_scale_ours_" + round);
                results.add("scale.ours", ours, observer, () -> expectApplied(ours(ours, secretFor(ours),
                        Start.IMAGE, Map.of("FLYWAY_LOCATIONS", "filesystem:" + scale)), scaleMigrations));
                TestDatabase cli = LocalDatabases.create("bench_scale_cli_" + round);
                results.add("scale.cli", cli, observer, () -> cli(cli, scale, "Successfully applied "
                        + scaleMigrations));
                TestDatabase core = LocalDatabases.create("bench_scale_core_" + round);
                results.add("scale.core", core, observer, () -> plain(core, scale, scaleMigrations));
                // How much of the gap is the JIT alone: Lambda's flags (C1 only) on plain core.
                TestDatabase c1 = LocalDatabases.create("bench_scale_core_c1_" + round);
                results.add("scale.coreLambdaFlags", c1, observer, () -> plain(c1, scale, scaleMigrations,
                        LAMBDA_JVM_FLAGS));
            }
        }

        if (scenarios.contains(Scenario.LEVERS)) {
            currentScenario = "levers";
            note("levers: the cold no-op without each of them");
            prepareNoop();
            // FLYWAY_TABLE at its default value changes nothing for Flyway but turns the history check off.
            Map<String, String> noFastPath = Map.of("FLYWAY_TABLE", "flyway_schema_history");
            for (int round = 0; round < coldRuns; round++) {
                results.add("lever.noCache", expectApplied(ours(noop, noopSecret, Start.NO_CACHE, Map.of()), 0));
                results.add("lever.baseImage", expectApplied(ours(noop, noopSecret, Start.BASE_IMAGE, Map.of()), 0));
                results.add("lever.noFastPath", expectApplied(ours(noop, noopSecret, Start.IMAGE, noFastPath), 0));
                results.add("lever.neither", expectApplied(ours(noop, noopSecret, Start.NO_CACHE, noFastPath), 0));
                results.add("lever.coreLambdaFlags", plain(noop, realistic, 0, LAMBDA_JVM_FLAGS));
            }
        }

        TestDatabase any = noop != null ? noop : LocalDatabases.create("bench_version");
        String report = report(results, Duration.ofNanos(System.nanoTime() - started), any);
        System.out.println();
        System.out.println(report);
        Files.writeString(work.resolve("results.md"), report);
        System.out.println("Written to " + work.resolve("results.md"));
    }

    /** The no-op scenarios' database, with the realistic migrations applied once (untimed). */
    private void prepareNoop() throws InterruptedException {
        if (noop == null) {
            noop = LocalDatabases.create("bench_noop");
            noopSecret = secretFor(noop);
            expectApplied(ours(noop, noopSecret, Start.IMAGE, Map.of()), realisticCount);
        }
    }

    private void prepare() throws IOException {
        Files.createDirectories(work);
        Path cli = work.resolve("flyway-cli");
        if (!Files.isDirectory(cli)) {
            throw new IllegalStateException(cli + " is missing: run the benchmark through Maven (-Pbenchmark), "
                    + "which copies the Flyway command line there");
        }
        cliClasspath = cli.resolve("*").toString();
        plainClasspath = String.join(File.pathSeparator, jars(DockerfileStages.REPOSITORY.resolve("function/target/dependency"),
                "flyway-core-", "flyway-database-postgresql-", "postgresql-", "jackson-"))
                + File.pathSeparator + module.resolve("target/test-classes");
        realistic = Workloads.realistic(repository.resolve("migrations"), work.resolve("migrations-realistic"),
                REALISTIC_VERSIONED);
        try (Stream<Path> files = Files.list(realistic)) {
            realisticCount = (int) files.count();
        }
        scale = Workloads.scale(work.resolve("migrations-scale"), scaleMigrations);
        note("writing a stand-in for Amazon RDS's global CA bundle: " + RDS_CA_KINDS.size() + " root CAs for each of "
                + RDS_REGIONS.size() + " regions, and the database's CA");
        globalBundle = globalBundle(work.resolve("global-bundle.pem"));
        note("carrying out the Dockerfile (its AOT training included), that bundle where it downloads Amazon RDS's");
        image = StagedImage.build(realistic, globalBundle, work.resolve("image"));
        secrets = FakeSecretsManager.start();
        appSecretArn = secrets.putSecret("bench/app-user", "{\"username\":\"app\",\"password\":\""
                + Workloads.APP_PASSWORD + "\"}");
    }

    /**
     * Amazon RDS's global bundle in miniature: every region's root CAs, named as Amazon names them, and the database's
     * CA, which names no region (so the Dockerfile puts it in every region's bundle, beside the region's own).
     */
    private Path globalBundle(Path file) throws IOException {
        StringBuilder pem = new StringBuilder();
        Path one = work.resolve("one-ca.pem");
        for (String region : RDS_REGIONS) {
            for (String kind : RDS_CA_KINDS) {
                pem.append(Files.readString(TestCertificateAuthority.create("Amazon RDS " + region + " Root CA "
                        + kind).writeCertificate(one)));
            }
        }
        Files.delete(one);
        pem.append(Files.readString(LocalDatabases.caCertificate()));
        return Files.writeString(file, pem);
    }

    /** The CA file of the current case, for every tool. */
    private Path caFile() {
        return switch (ca) {
            case ONE -> LocalDatabases.caCertificate();
            case REGION -> image.local("/var/task/rds-ca/" + FakeSecretsManager.REGION + "-bundle.pem");
        };
    }

    /** The database's JDBC URL for the baselines: verify-full against the case's CA file, as the migrator connects. */
    private String url(TestDatabase database) {
        return database.jdbcUrl(caFile());
    }

    private String secretFor(TestDatabase database) {
        return secrets.putSecret("bench/" + database.databaseName(), database.rdsSecretJson());
    }

    private Map<String, String> oursEnvironment(String dbSecret, Start start, Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>(secrets.environment());
        env.put("DB_SECRET_ARN", dbSecret);
        env.put("PLACEHOLDER_SECRET_APP_PASSWORD", appSecretArn + "#password");
        // TLS as against Aurora: the default verify-full, against the image's default (its region's bundle, no
        // DB_SSL_ROOT_CERT) or the one-certificate CA, the file the baselines verify against too.
        if (ca == Ca.ONE) {
            env.put("DB_SSL_ROOT_CERT", caFile().toString());
        }
        // Lambda sets it from the function's memory; infra gives the function 1024 MB.
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        if (start == Start.NO_CACHE) {
            env.put("SKYLIFT_AOT", "off");
        }
        env.putAll(extra);
        // The bootstrap passes JAVA_TOOL_OPTIONS on to the JVM, as Lambda does.
        jfrOption("ours").ifPresent(option -> env.put("JAVA_TOOL_OPTIONS", option));
        return env;
    }

    private RuntimeInterfaceClientProcess.Builder oursProcess(String dbSecret, Start start,
                                                              Map<String, String> extra) {
        RuntimeInterfaceClientProcess.Builder builder = RuntimeInterfaceClientProcess.builder(HANDLER)
                .workingDirectory(image.taskRoot())
                .startupTimeout(Duration.ofMinutes(2))
                .environment(oursEnvironment(dbSecret, start, extra));
        if (start == Start.BASE_IMAGE) {
            builder.classpath(String.join(File.pathSeparator, runtimeClientJars()))
                    .jvmOption("-XX:MaxHeapSize=" + 1024 * 1024 * 85 / 100 + "k");
        } else {
            builder.bootstrap(pinned(image.local(image.startCommand().get(0))));
        }
        return builder;
    }

    /**
     * With {@code bench.cpus}, a script that runs the image's bootstrap, unchanged, on those CPUs only; otherwise the
     * bootstrap itself.
     */
    private Path pinned(Path bootstrap) {
        if (cpus.isEmpty()) {
            return bootstrap;
        }
        Path script = work.resolve("pinned-bootstrap");
        try {
            Files.writeString(script, "#!/bin/sh\nexec taskset -c '" + cpus + "' '" + bootstrap + "' \"$@\"\n");
            script.toFile().setExecutable(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return script;
    }

    /** The runtime client's jars from this JVM's class path, as the base image keeps them in /var/runtime/lib. */
    private static List<String> runtimeClientJars() {
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> RUNTIME_CLIENT_JARS.stream().anyMatch(Path.of(entry).getFileName().toString()::startsWith))
                .toList();
    }

    /** The migrator, cold: a new runtime JVM, one {@code migrate} event; timed to the answer. */
    private Sample ours(TestDatabase database, String dbSecret, Start how, Map<String, String> extra)
            throws InterruptedException {
        long start = System.nanoTime();
        try (RuntimeInterfaceClientProcess lambda = oursProcess(dbSecret, how, extra).start()) {
            InvocationResult result = lambda.invoke(MIGRATE, Duration.ofMinutes(14));
            long elapsed = System.nanoTime() - start;
            long rss = peakRssKb(lambda.pid());
            double cpu = cpuMillis(lambda.pid());
            if (result.isError()) {
                throw new IllegalStateException("the migrator failed on " + database.databaseName() + ": "
                        + result.body() + "\n" + lambda.output());
            }
            if (jfr) {
                stopForRecording(lambda.pid());
            }
            return new Sample(elapsed / 1e6, rss, cpu, result.json());
        }
    }

    private static Sample expectApplied(Sample sample, int applied) {
        int actual = sample.answer().get("migrationsApplied").asInt();
        if (actual != applied) {
            throw new IllegalStateException("expected " + applied + " migration(s) applied, got " + actual
                    + ": " + sample.answer());
        }
        return sample;
    }

    /** The migrator, warm: one runtime JVM, a first invocation, then {@link #warmRuns} timed ones. */
    private List<Double> oursWarm(TestDatabase database, String dbSecret, Map<String, String> extra)
            throws InterruptedException {
        List<Double> millis = new ArrayList<>();
        try (RuntimeInterfaceClientProcess lambda = oursProcess(dbSecret, Start.IMAGE, extra).start()) {
            lambda.invoke(MIGRATE, Duration.ofMinutes(5));
            for (int i = 0; i < warmRuns; i++) {
                InvocationResult result = lambda.invoke(MIGRATE, Duration.ofMinutes(5));
                if (result.isError() || result.json().get("migrationsApplied").asInt() != 0) {
                    throw new IllegalStateException("warm invocation on " + database.databaseName()
                            + " failed: " + result.body());
                }
                millis.add(result.duration().toNanos() / 1e6);
            }
        }
        return millis;
    }

    /** The Flyway command line: {@code migrate} in a fresh JVM, as the CLI distribution starts it. */
    private Sample cli(TestDatabase database, Path location, String expectedOutput)
            throws IOException, InterruptedException {
        Path cwd = Files.createDirectories(work.resolve("cli-work"));
        return timedProcess(List.of(java, "-cp", cliClasspath, "org.flywaydb.commandline.Main", "migrate",
                "-skipCheckForUpdate", "-url=" + url(database), "-user=" + database.username(),
                "-password=" + database.password(), "-locations=filesystem:" + location,
                "-placeholders.app_password=" + Workloads.APP_PASSWORD,
                "-placeholders.app_password_scram=" + Workloads.APP_PASSWORD_SCRAM), cwd, expectedOutput);
    }

    private Sample plain(TestDatabase database, Path location, int applied) throws IOException, InterruptedException {
        return plain(database, location, applied, List.of());
    }

    /** Plain flyway-core in a fresh JVM ({@link PlainFlyway}), with the JVM's default options unless given. */
    private Sample plain(TestDatabase database, Path location, int applied, List<String> jvmOptions)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        jfrOption(jvmOptions.isEmpty() ? "core" : "coreLambdaFlags").ifPresent(command::add);
        command.addAll(List.of("-cp", plainClasspath, PlainFlyway.class.getName(), "cold", url(database),
                database.username(), database.password(), location.toString(), Workloads.APP_PASSWORD));
        return timedProcess(command, work, "RESULT applied=" + applied + " ");
    }

    private List<Double> plainWarm(TestDatabase database) throws IOException, InterruptedException {
        Path output = work.resolve("plain-warm.log");
        Process process = new ProcessBuilder(java, "-cp", plainClasspath, PlainFlyway.class.getName(), "warm",
                url(database), database.username(), database.password(), realistic.toString(),
                Workloads.APP_PASSWORD, Integer.toString(warmRuns))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("plain flyway-core warm run failed:\n" + Files.readString(output));
        }
        String line = Files.readAllLines(output).stream().filter(l -> l.startsWith("WARM ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no WARM line in " + output));
        List<Double> millis = new ArrayList<>();
        for (String micros : line.substring(5).trim().split(" ")) {
            millis.add(Long.parseLong(micros) / 1e3);
        }
        return millis;
    }

    /**
     * Runs a process to its exit under {@code /usr/bin/time} (for the peak RSS and the CPU time); wall time from start
     * to exit.
     */
    private Sample timedProcess(List<String> command, Path cwd, String expectedOutput)
            throws IOException, InterruptedException {
        Path output = work.resolve("process.log");
        Path rss = work.resolve("process.rss");
        Files.deleteIfExists(rss);
        List<String> full = new ArrayList<>();
        boolean gnuTime = Files.isExecutable(Path.of("/usr/bin/time"));
        if (gnuTime) {
            full.addAll(List.of("/usr/bin/time", "-f", "%M %U %S", "-o", rss.toString()));
        }
        if (!cpus.isEmpty()) {
            full.addAll(List.of("taskset", "-c", cpus));
        }
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        long start = System.nanoTime();
        Process process = builder.start();
        long peak = 0;
        while (!process.waitFor(gnuTime ? 1000 : 5, TimeUnit.MILLISECONDS)) {
            if (!gnuTime) {
                peak = Math.max(peak, peakRssKb(process.pid()));
            }
        }
        long elapsed = System.nanoTime() - start;
        String text = Files.readString(output);
        if (process.exitValue() != 0 || !text.contains(expectedOutput)) {
            throw new IllegalStateException("'" + String.join(" ", command).replaceAll("-password=\\S+", "-password=***")
                    + "' exited with " + process.exitValue() + " without '" + expectedOutput + "':\n" + text);
        }
        double cpu = Double.NaN;
        if (gnuTime) {
            String[] figures = Files.readString(rss).strip().lines().reduce((a, b) -> b).orElse("0 0 0").strip()
                    .split("\\s+");
            peak = Long.parseLong(figures[0]);
            cpu = (Double.parseDouble(figures[1]) + Double.parseDouble(figures[2])) * 1000;
        }
        return new Sample(elapsed / 1e6, peak, cpu, null);
    }

    private static long peakRssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D+", ""));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // the process ended between two polls
        }
        return 0;
    }

    /**
     * The CPU time all threads of a running process have used so far, user and system, in ms ({@code /proc/<pid>/stat}
     * counts it in clock ticks, 100 a second on Linux); NaN when it cannot be read.
     */
    private static double cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // The fields after the command name, which is in parentheses and may hold spaces: utime is field 14.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Ends the process gently, so that JFR writes its recording on the way out (closing it kills it). */
    private static void stopForRecording(long pid) {
        ProcessHandle.of(pid).ifPresent(process -> {
            process.destroy();
            try {
                process.onExit().get(1, TimeUnit.MINUTES);
            } catch (Exception e) {
                throw new IllegalStateException("process " + pid + " did not end within a minute of SIGTERM", e);
            }
        });
    }

    /** With {@code bench.jfr}: the option that records this process into {@code jfr/<scenario>-<tool>-<n>.jfr}. */
    private Optional<String> jfrOption(String tool) {
        if (!jfr) {
            return Optional.empty();
        }
        String name = currentScenario + "-" + tool;
        int n = recordings.merge(name, 1, Integer::sum);
        Path file = work.resolve("jfr").resolve(name + "-" + n + ".jfr");
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Every socket read and write, however short and however many (the profile keeps 300 a second): their count
        // is the tool's round trips to the database.
        return Optional.of("-XX:StartFlightRecording=settings=profile,jdk.SocketRead#threshold=0ms,"
                + "jdk.SocketRead#throttle=off,jdk.SocketWrite#threshold=0ms,jdk.SocketWrite#throttle=off,filename="
                + file);
    }

    private static List<String> jars(Path directory, String... prefixes) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> {
                String name = p.getFileName().toString();
                return name.endsWith(".jar") && Stream.of(prefixes).anyMatch(name::startsWith);
            }).sorted().map(Path::toString).toList();
        }
    }

    private void note(String text) {
        String line = "[bench " + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "] " + text;
        System.out.println(line);
        log.add(line);
    }

    // ---- results ----

    /**
     * One cold measurement: wall time in ms, peak RSS in KiB, the process's CPU time in ms (user and system, all
     * threads; NaN when unknown), and the migrator's answer (null for baselines).
     */
    private record Sample(double millis, long rssKb, double cpuMillis, JsonNode answer) {
    }

    /** One timed run of a tool. */
    @FunctionalInterface
    private interface Run {
        Sample run() throws IOException, InterruptedException;
    }

    private static final class Results {
        private final Map<String, List<Sample>> cold = new LinkedHashMap<>();
        private final Map<String, List<Double>> warm = new HashMap<>();
        private final Map<String, List<DatabaseActivity>> activity = new LinkedHashMap<>();

        void add(String key, Sample sample) {
            cold.computeIfAbsent(key, k -> new ArrayList<>()).add(sample);
            System.out.printf(Locale.ROOT, "  %-22s %9.1f ms %7.1f MB %9.0f ms CPU%n", key, sample.millis(),
                    sample.rssKb() / 1024.0, sample.cpuMillis());
        }

        /** A run on {@code database}, with what the database did for it (read from {@code observer}). */
        void add(String key, TestDatabase database, TestDatabase observer, Run run)
                throws IOException, InterruptedException {
            DatabaseActivity before = DatabaseActivity.of(database, observer);
            Sample sample = run.run();
            DatabaseActivity done = DatabaseActivity.of(database, observer).since(before);
            activity.computeIfAbsent(key, k -> new ArrayList<>()).add(done);
            add(key, sample);
            System.out.printf(Locale.ROOT, "  %-22s %d sessions, %d transactions, %.0f ms running statements%n", "",
                    done.sessions(), done.transactions(), done.activeMillis());
        }

        /** Medians of {@code key}'s database activity: sessions, transactions, ms running statements. */
        double[] activity(String key) {
            List<DatabaseActivity> runs = activity.get(key);
            return new double[]{median(runs.stream().map(a -> (double) a.sessions()).toList()),
                    median(runs.stream().map(a -> (double) a.transactions()).toList()),
                    median(runs.stream().map(DatabaseActivity::activeMillis).toList())};
        }

        void warm(String key, List<Double> millis) {
            warm.put(key, millis);
            System.out.printf(Locale.ROOT, "  %-22s median %.2f ms over %d invocations%n", key, median(millis),
                    millis.size());
        }

        double ms(String key) {
            return median(cold.get(key).stream().map(Sample::millis).toList());
        }

        double cpuMs(String key) {
            return median(cold.get(key).stream().map(Sample::cpuMillis).toList());
        }

        double warmMs(String key) {
            return median(warm.get(key));
        }

        double maxRssMb(String... keys) {
            return Stream.of(keys).flatMap(k -> cold.get(k).stream()).mapToLong(Sample::rssKb).max().orElse(0)
                    / 1024.0;
        }

        String samples(String key) {
            return String.join(", ", cold.get(key).stream()
                    .map(s -> String.format(Locale.ROOT, "%.0f", s.millis())).toList());
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private String report(Results r, Duration took, TestDatabase database) {
        StringBuilder out = new StringBuilder();
        out.append("| scenario | Skylift | Flyway CLI | plain flyway-core | Skylift / CLI | Skylift / core | target | |\n");
        out.append("|---|---:|---:|---:|---:|---:|---|---|\n");
        for (Ca each : Ca.values()) {
            String k = each.key();
            String with = ", " + each.label + " (" + caCertificates(each) + ")";
            if (scenarios.contains(Scenario.NOOP)) {
                double noopCli = r.ms("noop.ours" + k) / r.ms("noop.cli" + k);
                double noopCore = r.ms("noop.ours" + k) / r.ms("noop.core" + k);
                row(out, "cold no-op, whole process" + with + " (median of " + coldRuns + ")",
                        ms(r.ms("noop.ours" + k)), ms(r.ms("noop.cli" + k)), ms(r.ms("noop.core" + k)),
                        ratio(noopCli), ratio(noopCore), "≤ 0.17× CLI, ≤ 0.35× core",
                        noopCli <= 0.17 && noopCore <= 0.35);
            }
            if (scenarios.contains(Scenario.APPLY)) {
                double applyCli = r.ms("apply.ours" + k) / r.ms("apply.cli" + k);
                double applyCore = r.ms("apply.ours" + k) / r.ms("apply.core" + k);
                row(out, "cold apply, " + realisticCount + " migrations" + with + " (median of " + coldRuns + ")",
                        ms(r.ms("apply.ours" + k)), ms(r.ms("apply.cli" + k)), ms(r.ms("apply.core" + k)),
                        ratio(applyCli), ratio(applyCore), "≤ 0.35× CLI, ≤ 0.70× core",
                        applyCli <= 0.35 && applyCore <= 0.70);
            }
            if (scenarios.contains(Scenario.WARM)) {
                double warm = r.warmMs("warm.ours" + k) / r.warmMs("warm.core" + k);
                row(out, "warm no-op, per invocation" + with + " (median of " + warmRuns + ")",
                        String.format(Locale.ROOT, "%.1f ms", r.warmMs("warm.ours" + k)), "–",
                        String.format(Locale.ROOT, "%.1f ms", r.warmMs("warm.core" + k)), "–", ratio(warm),
                        "≤ 0.50× core", warm <= 0.50);
            }
        }
        if (scenarios.contains(Scenario.SCALE)) {
            double scaleRatio = r.ms("scale.ours") / r.ms("scale.core");
            row(out, String.format(Locale.ROOT, "%,d migrations, empty database (median of %d)", scaleMigrations,
                            scaleRuns), ms(r.ms("scale.ours")), ms(r.ms("scale.cli")), ms(r.ms("scale.core")),
                    ratio(r.ms("scale.ours") / r.ms("scale.cli")), ratio(scaleRatio), "≤ 1.10× core",
                    scaleRatio <= 1.10);
        }
        if (scenarios.contains(Scenario.NOOP) && scenarios.contains(Scenario.APPLY)) {
            String k = Ca.REGION.key();
            double rss = r.maxRssMb("noop.ours" + k, "apply.ours" + k);
            row(out, "peak RSS of the cold runs (max; no-op, apply; the region's bundle)", mb(rss),
                    mb(r.maxRssMb("noop.cli" + k, "apply.cli" + k)), mb(r.maxRssMb("noop.core" + k, "apply.core" + k)),
                    "", "",
                    "≤ 160 MB", rss <= 160);
        }
        if (scenarios.contains(Scenario.SCALE)) {
            double c1 = r.ms("scale.coreLambdaFlags");
            out.append(String.format(Locale.ROOT, "%nThe %,d migrations on plain flyway-core with Lambda's JVM flags "
                            + "(C1 only, serial GC), same run: %s, %.2f× plain core with the JDK's defaults; Skylift "
                            + "is %.2f× that.%n", scaleMigrations, ms(c1), c1 / r.ms("scale.core"),
                    r.ms("scale.ours") / c1));
            out.append(String.format(Locale.ROOT, "%nWhere the time of the %,d migrations went (medians): what the "
                    + "database did, from pg_stat_database, and the CPU time of the tool's process (all threads, "
                    + "JIT and GC included). CPU time moves far less with the machine's load than wall time.%n%n",
                    scaleMigrations));
            out.append("| tool | sessions | transactions | per migration | running statements | tool's CPU | wall |\n");
            out.append("|---|---:|---:|---:|---:|---:|---:|\n");
            for (String[] tool : new String[][]{{"Skylift", "scale.ours"}, {"Flyway CLI", "scale.cli"},
                    {"plain flyway-core", "scale.core"}, {"plain flyway-core, Lambda's JVM flags",
                    "scale.coreLambdaFlags"}}) {
                double[] a = r.activity(tool[1]);
                out.append(String.format(Locale.ROOT, "| %s | %.0f | %,.0f | %.2f | %s | %s | %s |%n", tool[0], a[0],
                        a[1], a[1] / scaleMigrations, ms(a[2]), ms(r.cpuMs(tool[1])), ms(r.ms(tool[1]))));
            }
        }

        if (scenarios.contains(Scenario.LEVERS)) {
            out.append("\nLevers, measured in the same run (cold no-op, median of ").append(coldRuns).append("):\n\n");
            out.append("| variant | cold no-op | vs. as shipped | vs. plain flyway-core |\n|---|---:|---:|---:|\n");
            double shipped = r.ms("noop.ours" + Ca.REGION.key());
            double core = r.ms("noop.core" + Ca.REGION.key());
            lever(out, "Skylift as shipped (jars on the class path, AOT cache, history check, lazy clients, own JSON)",
                    shipped, shipped, core);
            lever(out, "… without the AOT cache (SKYLIFT_AOT=off)", r.ms("lever.noCache"), shipped, core);
            lever(out, "… started as the base image starts a function (jars under the runtime client's class loader), "
                    + "no cache", r.ms("lever.baseImage"), shipped, core);
            lever(out, "… without the history check (Flyway decides)", r.ms("lever.noFastPath"), shipped, core);
            lever(out, "… without the cache and the history check", r.ms("lever.neither"), shipped, core);
            lever(out, "plain flyway-core with Lambda's JVM flags (C1 only, serial GC)", r.ms("lever.coreLambdaFlags"),
                    shipped, core);
        }

        out.append("\nAll cold samples (ms): ");
        for (String key : r.cold.keySet()) {
            out.append("\n- ").append(key).append(": ").append(r.samples(key));
        }
        out.append("\n\nSetup: ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs")
                .append(cpus.isEmpty() ? "" : " (every tool's process on CPU(s) " + cpus + " only, the database on all)")
                .append(", ")
                .append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append(" for every process; PostgreSQL ").append(serverVersion(database))
                .append(" (embedded, local, TLS required, an RSA 2048 certificate as Aurora's, verified by every client ")
                .append("against the same CA file: the database's CA alone, or the region's bundle the image uses by ")
                .append("default (").append(caCertificates(Ca.REGION)).append(", written by the Dockerfile from a ")
                .append("stand-in for Amazon RDS's global bundle of ").append(RDS_REGIONS.size() * RDS_CA_KINDS.size() + 1)
                .append(" certificates); the scale scenario and the levers with the region's bundle); ")
                .append("Skylift: ")
                .append("flyway-core ").append(jarVersion("flyway-core-"))
                .append(" in the image's layout, started by the image's bootstrap (")
                .append(String.join(" ", image.startCommand()))
                .append(") with an AOT cache from the Dockerfile's training command, as a 1024 MB function; ")
                .append("aws-lambda-java-runtime-interface-client ").append(ricVersion())
                .append(" against a local Runtime API; secrets from a local Secrets Manager endpoint; Flyway CLI: ")
                .append(cliVersion())
                .append(" with its whole dependency tree (its own flyway-core), JVM defaults; plain flyway-core: ")
                .append(jarVersion("flyway-core-")).append(" with flyway-database-postgresql and the driver, JVM ")
                .append("defaults, no cache. Benchmark took ").append(took.toMinutes()).append(" min ")
                .append(took.toSecondsPart()).append(" s.\n");
        return out.toString();
    }

    /** How many certificates the case's CA file holds, for the report. */
    private String caCertificates(Ca each) {
        Ca current = ca;
        ca = each;
        try {
            long count = Files.readString(caFile()).lines().filter(l -> l.contains("BEGIN CERTIFICATE")).count();
            return count + (count == 1 ? " certificate" : " certificates");
        } catch (IOException e) {
            return "? certificates";
        } finally {
            ca = current;
        }
    }

    private static void row(StringBuilder out, String scenario, String ours, String cli, String core,
                            String oursCli, String oursCore, String target, boolean pass) {
        out.append("| ").append(String.join(" | ", scenario, ours, cli, core, oursCli, oursCore, target,
                pass ? "pass" : "**fail**")).append(" |\n");
    }

    private static void lever(StringBuilder out, String variant, double millis, double shipped, double core) {
        out.append("| ").append(variant).append(" | ").append(ms(millis)).append(" | ")
                .append(String.format(Locale.ROOT, "%.2f×", millis / shipped)).append(" | ")
                .append(String.format(Locale.ROOT, "%.2f×", millis / core)).append(" |\n");
    }

    private static String ms(double millis) {
        return String.format(Locale.ROOT, "%,.0f ms", millis);
    }

    private static String mb(double mb) {
        return String.format(Locale.ROOT, "%.0f MB", mb);
    }

    private static String ratio(double ratio) {
        return String.format(Locale.ROOT, "%.2f×", ratio);
    }

    private String jarVersion(String prefix) {
        try {
            return jars(DockerfileStages.REPOSITORY.resolve("function/target/dependency"), prefix).stream().findFirst()
                    .map(p -> Path.of(p).getFileName().toString().substring(prefix.length()).replace(".jar", ""))
                    .orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private String cliVersion() {
        try (Stream<Path> files = Files.list(work.resolve("flyway-cli"))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("flyway-commandline-") || n.startsWith("flyway-core-"))
                    .sorted().map(n -> n.replace(".jar", "")).reduce((a, b) -> a + " + " + b).orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String ricVersion() {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("aws-lambda-java-runtime-interface-client-")) {
                return name.substring("aws-lambda-java-runtime-interface-client-".length()).replace(".jar", "");
            }
        }
        return "?";
    }

    private static String serverVersion(TestDatabase database) {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        } catch (Exception e) {
            return "?";
        }
    }
}
