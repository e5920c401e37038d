package io.skylift.migrator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.testkit.FakeSecretsManager;
import io.skylift.migrator.testkit.InvocationResult;
import io.skylift.migrator.testkit.LocalDatabases;
import io.skylift.migrator.testkit.RuntimeInterfaceClientProcess;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The no-op deploy benchmark (issue 4): the migrator as Lambda runs it against the Flyway command line and plain
 * flyway-core, on one local PostgreSQL with the same migrations, in one run. Prints a table of medians and ratios
 * and writes it to {@code target/bench/results.md}.
 *
 * <p>Every cold figure is a fresh {@code java} process, timed from just before it is started to the answer: for
 * the migrator, the moment its Runtime Interface Client posts the response to a local Runtime API (the child runs
 * the real RIC, with the image's class path layout, the Dockerfile's {@code JAVA_TOOL_OPTIONS} and a class-data
 * archive made by the Dockerfile's training run, and reads its secrets from a local Secrets Manager endpoint); for
 * the baselines, the process's exit. Peak RSS is the process's {@code VmHWM}.
 *
 * <p>Run with {@code ./mvnw -B -q -pl function -Pbenchmark verify} (see the README); system properties
 * {@code bench.coldRuns}, {@code bench.warmRuns}, {@code bench.scaleRuns}, {@code bench.scaleMigrations} change the
 * counts.
 */
public final class Benchmark {
    private static final String HANDLER = "io.skylift.migrator.MigratorHandler::handleRequest";
    private static final String MIGRATE = "{\"command\":\"migrate\"}";
    private static final int REALISTIC_VERSIONED = 30;
    /** A marker in the extra environment: run the migrator's JVM with full tiered compilation (a lever). */
    private static final String FULL_TIERED = "SKYLIFT_BENCH_FULL_TIERED";

    private final Path module = Path.of(System.getProperty("bench.module", ".")).toAbsolutePath().normalize();
    private final Path repository = module.getParent();
    private final Path work = module.resolve("target/bench");
    private final int coldRuns = Integer.getInteger("bench.coldRuns", 5);
    private final int warmRuns = Integer.getInteger("bench.warmRuns", 60);
    private final int scaleRuns = Integer.getInteger("bench.scaleRuns", 3);
    private final int scaleMigrations = Integer.getInteger("bench.scaleMigrations", 1000);
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final List<String> log = new ArrayList<>();

    private FakeSecretsManager secrets;
    private String appSecretArn;
    private LambdaImage image;
    private Path realistic;
    private Path scale;
    private String cliClasspath;
    private String plainClasspath;
    private int realisticCount;

    public static void main(String[] args) throws Exception {
        System.setProperty("skylift.testkit.postgres", System.getProperty("skylift.testkit.postgres", "embedded"));
        new Benchmark().run();
        // The embedded PostgreSQL and the local endpoints stop with the JVM.
        System.exit(0);
    }

    private void run() throws Exception {
        long started = System.nanoTime();
        prepare();
        Results results = new Results();

        note("cold no-op: " + coldRuns + " runs of each, interleaved");
        TestDatabase noop = LocalDatabases.create("bench_noop");
        String noopSecret = secretFor(noop);
        expectApplied(ours(noop, noopSecret, oursOptions(true), Map.of()), realisticCount);
        // One untimed round: the page cache, the database and the local endpoints are then as warm for all.
        ours(noop, noopSecret, oursOptions(true), Map.of());
        cli(noop, realistic, "No migration necessary");
        plain(noop, realistic, 0);
        for (int round = 0; round < coldRuns; round++) {
            results.add("noop.ours", expectApplied(ours(noop, noopSecret, oursOptions(true), Map.of()), 0));
            results.add("noop.cli", cli(noop, realistic, "No migration necessary"));
            results.add("noop.core", plain(noop, realistic, 0));
        }

        note("cold apply of " + realisticCount + " migrations to an empty database: " + coldRuns + " runs of each");
        for (int round = 0; round < coldRuns; round++) {
            TestDatabase ours = LocalDatabases.create("bench_apply_ours_" + round);
            results.add("apply.ours", expectApplied(ours(ours, secretFor(ours), oursOptions(true), Map.of()),
                    realisticCount));
            results.add("apply.cli", cli(LocalDatabases.create("bench_apply_cli_" + round), realistic,
                    "Successfully applied " + realisticCount));
            results.add("apply.core", plain(LocalDatabases.create("bench_apply_core_" + round), realistic,
                    realisticCount));
        }

        note("warm no-op: " + warmRuns + " invocations after the first, in one JVM each");
        results.warm("warm.ours", oursWarm(noop, noopSecret, Map.of()));
        results.warm("warm.core", plainWarm(noop));

        note("scale: " + scaleMigrations + " migrations to an empty database: " + scaleRuns + " runs of each");
        for (int round = 0; round < scaleRuns; round++) {
            TestDatabase ours = LocalDatabases.create("bench_scale_ours_" + round);
            results.add("scale.ours", expectApplied(ours(ours, secretFor(ours), oursOptions(true),
                    Map.of("FLYWAY_LOCATIONS", "filesystem:" + scale)), scaleMigrations));
            results.add("scale.cli", cli(LocalDatabases.create("bench_scale_cli_" + round), scale,
                    "Successfully applied " + scaleMigrations));
            results.add("scale.core", plain(LocalDatabases.create("bench_scale_core_" + round), scale,
                    scaleMigrations));
        }

        note("levers: the cold no-op without each of them");
        // FLYWAY_TABLE at its default value changes nothing for Flyway but turns the history check off.
        Map<String, String> noFastPath = Map.of("FLYWAY_TABLE", "flyway_schema_history");
        for (int round = 0; round < coldRuns; round++) {
            results.add("lever.noCds", expectApplied(ours(noop, noopSecret, oursOptions(false), Map.of()), 0));
            results.add("lever.noFastPath", expectApplied(ours(noop, noopSecret, oursOptions(true), noFastPath), 0));
            results.add("lever.neither", expectApplied(ours(noop, noopSecret, oursOptions(false), noFastPath), 0));
            results.add("lever.coreLambdaFlags", plain(noop, realistic, 0, LambdaImage.LAMBDA_JVM_FLAGS));
        }

        note("lever: full tiered compilation (C1, then C2 for hot code) instead of Lambda's C1 only");
        Map<String, String> tiered = Map.of(FULL_TIERED, "true");
        for (int round = 0; round < coldRuns; round++) {
            results.add("tiered.noop", expectApplied(ours(noop, noopSecret, oursOptions(true), tiered), 0));
        }
        results.warm("tiered.warm", oursWarm(noop, noopSecret, tiered));
        for (int round = 0; round < scaleRuns; round++) {
            TestDatabase ours = LocalDatabases.create("bench_scale_tiered_" + round);
            Map<String, String> scaleTiered = new HashMap<>(tiered);
            scaleTiered.put("FLYWAY_LOCATIONS", "filesystem:" + scale);
            results.add("tiered.scale", expectApplied(ours(ours, secretFor(ours), oursOptions(true), scaleTiered),
                    scaleMigrations));
        }

        String report = report(results, Duration.ofNanos(System.nanoTime() - started), noop);
        System.out.println();
        System.out.println(report);
        Files.writeString(work.resolve("results.md"), report);
        System.out.println("Written to " + work.resolve("results.md"));
    }

    private void prepare() throws IOException {
        Files.createDirectories(work);
        Path cli = work.resolve("flyway-cli");
        if (!Files.isDirectory(cli)) {
            throw new IllegalStateException(cli + " is missing: run the benchmark through Maven (-Pbenchmark), "
                    + "which copies the Flyway command line there");
        }
        cliClasspath = cli.resolve("*").toString();
        plainClasspath = String.join(File.pathSeparator, jars(module.resolve("target/dependency"),
                "flyway-core-", "flyway-database-postgresql-", "postgresql-", "jackson-"))
                + File.pathSeparator + module.resolve("target/test-classes");
        realistic = Workloads.realistic(repository.resolve("migrations"), work.resolve("migrations-realistic"),
                REALISTIC_VERSIONED);
        try (Stream<Path> files = Files.list(realistic)) {
            realisticCount = (int) files.count();
        }
        scale = Workloads.scale(work.resolve("migrations-scale"), scaleMigrations);
        note("building the image layout and running the Dockerfile's class-data training");
        image = LambdaImage.build(module, realistic, repository.resolve("Dockerfile"), work.resolve("image"));
        image.train(image.taskRoot().resolve(archiveName()));
        secrets = FakeSecretsManager.start();
        appSecretArn = secrets.putSecret("bench/app-user", "{\"username\":\"app\",\"password\":\""
                + Workloads.APP_PASSWORD + "\"}");
    }

    /** The archive's file name as the Dockerfile gives it ({@code -XX:SharedArchiveFile=/var/task/<name>}). */
    private static String archiveName() {
        String options = LambdaImage.dockerfileToolOptions(Path.of(System.getProperty("bench.module", "."))
                .toAbsolutePath().getParent().resolve("Dockerfile"));
        for (String option : options.split("\\s+")) {
            if (option.startsWith("-XX:SharedArchiveFile=")) {
                return Path.of(option.substring("-XX:SharedArchiveFile=".length())).getFileName().toString();
            }
        }
        return "skylift-cds.jsa";
    }

    /** The Dockerfile's JVM options, or the same without the class-data archive. */
    private String oursOptions(boolean cds) {
        String options = image.javaToolOptions();
        return cds ? options : options.replaceAll("-XX:SharedArchiveFile=\\S+\\s*", "").trim();
    }

    private String secretFor(TestDatabase database) {
        return secrets.putSecret("bench/" + database.databaseName(), database.rdsSecretJson());
    }

    private Map<String, String> oursEnvironment(String dbSecret, String javaToolOptions, Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>(secrets.environment());
        env.put("DB_SECRET_ARN", dbSecret);
        env.put("PLACEHOLDER_SECRET_APP_PASSWORD", appSecretArn + "#password");
        // TLS as against Aurora: the default verify-full, against the CA of the test kit's server.
        env.put("DB_SSL_ROOT_CERT", LocalDatabases.caCertificate().toString());
        if (!javaToolOptions.isEmpty()) {
            env.put("JAVA_TOOL_OPTIONS", javaToolOptions);
        }
        env.putAll(extra);
        return env;
    }

    private RuntimeInterfaceClientProcess.Builder oursProcess(String dbSecret, String javaToolOptions,
                                                              Map<String, String> extra) {
        RuntimeInterfaceClientProcess.Builder builder = RuntimeInterfaceClientProcess.builder(HANDLER)
                .classpath(image.runtimeClasspath())
                .workingDirectory(image.taskRoot())
                .startupTimeout(Duration.ofMinutes(2))
                .environment(oursEnvironment(dbSecret, javaToolOptions, extra));
        if (extra.containsKey(FULL_TIERED)) {
            // After Lambda's -XX:TieredStopAtLevel=1 on the command line, so it wins: C1 first, C2 for hot code.
            builder.jvmOption("-XX:TieredStopAtLevel=4");
        }
        return builder;
    }

    /** The migrator, cold: a new runtime JVM, one {@code migrate} event; timed to the answer. */
    private Sample ours(TestDatabase database, String dbSecret, String javaToolOptions, Map<String, String> extra)
            throws InterruptedException {
        long start = System.nanoTime();
        try (RuntimeInterfaceClientProcess lambda = oursProcess(dbSecret, javaToolOptions, extra).start()) {
            InvocationResult result = lambda.invoke(MIGRATE, Duration.ofMinutes(14));
            long elapsed = System.nanoTime() - start;
            long rss = peakRssKb(lambda.pid());
            if (result.isError()) {
                throw new IllegalStateException("the migrator failed on " + database.databaseName() + ": "
                        + result.body() + "\n" + lambda.output());
            }
            return new Sample(elapsed / 1e6, rss, result.json());
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
        try (RuntimeInterfaceClientProcess lambda = oursProcess(dbSecret, oursOptions(true), extra).start()) {
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
                "-skipCheckForUpdate", "-url=" + database.jdbcUrl(), "-user=" + database.username(),
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
        command.addAll(List.of("-cp", plainClasspath, PlainFlyway.class.getName(), "cold", database.jdbcUrl(),
                database.username(), database.password(), location.toString(), Workloads.APP_PASSWORD));
        return timedProcess(command, work, "RESULT applied=" + applied + " ");
    }

    private List<Double> plainWarm(TestDatabase database) throws IOException, InterruptedException {
        Path output = work.resolve("plain-warm.log");
        Process process = new ProcessBuilder(java, "-cp", plainClasspath, PlainFlyway.class.getName(), "warm",
                database.jdbcUrl(), database.username(), database.password(), realistic.toString(),
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

    /** Runs a process to its exit under {@code /usr/bin/time} (for the peak RSS); wall time from start to exit. */
    private Sample timedProcess(List<String> command, Path cwd, String expectedOutput)
            throws IOException, InterruptedException {
        Path output = work.resolve("process.log");
        Path rss = work.resolve("process.rss");
        Files.deleteIfExists(rss);
        List<String> full = new ArrayList<>();
        boolean gnuTime = Files.isExecutable(Path.of("/usr/bin/time"));
        if (gnuTime) {
            full.addAll(List.of("/usr/bin/time", "-f", "%M", "-o", rss.toString()));
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
        if (gnuTime) {
            peak = Long.parseLong(Files.readString(rss).strip().lines().reduce((a, b) -> b).orElse("0").strip());
        }
        return new Sample(elapsed / 1e6, peak, null);
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

    /** One cold measurement: wall time in ms, peak RSS in KiB, and the migrator's answer (null for baselines). */
    private record Sample(double millis, long rssKb, JsonNode answer) {
    }

    private static final class Results {
        private final Map<String, List<Sample>> cold = new LinkedHashMap<>();
        private final Map<String, List<Double>> warm = new HashMap<>();

        void add(String key, Sample sample) {
            cold.computeIfAbsent(key, k -> new ArrayList<>()).add(sample);
            System.out.printf(Locale.ROOT, "  %-22s %9.1f ms %7.1f MB%n", key, sample.millis(), sample.rssKb() / 1024.0);
        }

        void warm(String key, List<Double> millis) {
            warm.put(key, millis);
            System.out.printf(Locale.ROOT, "  %-22s median %.2f ms over %d invocations%n", key, median(millis),
                    millis.size());
        }

        double ms(String key) {
            return median(cold.get(key).stream().map(Sample::millis).toList());
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
        double noopCli = r.ms("noop.ours") / r.ms("noop.cli");
        double noopCore = r.ms("noop.ours") / r.ms("noop.core");
        double warm = r.warmMs("warm.ours") / r.warmMs("warm.core");
        double apply = r.ms("apply.ours") / r.ms("apply.cli");
        double scaleRatio = r.ms("scale.ours") / r.ms("scale.core");
        double rss = r.maxRssMb("noop.ours", "apply.ours");
        StringBuilder out = new StringBuilder();
        out.append("| scenario | Skylift | Flyway CLI | plain flyway-core | Skylift / CLI | Skylift / core | target | |\n");
        out.append("|---|---:|---:|---:|---:|---:|---|---|\n");
        row(out, "cold no-op, whole process (median of " + coldRuns + ")", ms(r.ms("noop.ours")),
                ms(r.ms("noop.cli")), ms(r.ms("noop.core")), ratio(noopCli), ratio(noopCore),
                "≤ 0.20× CLI, ≤ 0.50× core", noopCli <= 0.20 && noopCore <= 0.50);
        row(out, "cold apply, " + realisticCount + " migrations (median of " + coldRuns + ")",
                ms(r.ms("apply.ours")), ms(r.ms("apply.cli")), ms(r.ms("apply.core")), ratio(apply),
                ratio(r.ms("apply.ours") / r.ms("apply.core")), "≤ 0.35× CLI", apply <= 0.35);
        row(out, "warm no-op, per invocation (median of " + warmRuns + ")",
                String.format(Locale.ROOT, "%.1f ms", r.warmMs("warm.ours")), "–",
                String.format(Locale.ROOT, "%.1f ms", r.warmMs("warm.core")), "–", ratio(warm), "≤ 0.25× core",
                warm <= 0.25);
        row(out, String.format(Locale.ROOT, "%,d migrations, empty database (median of %d)", scaleMigrations,
                        scaleRuns), ms(r.ms("scale.ours")), ms(r.ms("scale.cli")), ms(r.ms("scale.core")),
                ratio(r.ms("scale.ours") / r.ms("scale.cli")), ratio(scaleRatio), "≤ 1.10× core", scaleRatio <= 1.10);
        row(out, "peak RSS of the cold runs (max; no-op, apply)", mb(rss),
                mb(r.maxRssMb("noop.cli", "apply.cli")), mb(r.maxRssMb("noop.core", "apply.core")), "", "",
                "≤ 160 MB", rss <= 160);

        out.append("\nLevers, measured in the same run (cold no-op, median of ").append(coldRuns).append("):\n\n");
        out.append("| variant | cold no-op | vs. as shipped |\n|---|---:|---:|\n");
        double shipped = r.ms("noop.ours");
        lever(out, "Skylift as shipped (history check, class-data archive, lazy clients, own JSON, trimmed jars)",
                shipped, shipped);
        lever(out, "… without the class-data archive", r.ms("lever.noCds"), shipped);
        lever(out, "… without the history check (Flyway decides)", r.ms("lever.noFastPath"), shipped);
        lever(out, "… without either", r.ms("lever.neither"), shipped);
        lever(out, "plain flyway-core with Lambda's JVM flags (C1 only, serial GC)", r.ms("lever.coreLambdaFlags"),
                shipped);

        out.append("\nJIT: Lambda's Java runtime compiles with C1 only (-XX:TieredStopAtLevel=1), which the figures "
                + "above use. The same Skylift with full tiered compilation (C1, then C2 for hot code):\n\n");
        out.append("| scenario | C1 only (above) | full tiered | full tiered / plain flyway-core |\n|---|---:|---:|---:|\n");
        out.append(String.format(Locale.ROOT, "| cold no-op | %s | %s | %s |%n", ms(r.ms("noop.ours")),
                ms(r.ms("tiered.noop")), ratio(r.ms("tiered.noop") / r.ms("noop.core"))));
        out.append(String.format(Locale.ROOT, "| warm no-op, per invocation | %.1f ms | %.1f ms | %s |%n",
                r.warmMs("warm.ours"), r.warmMs("tiered.warm"), ratio(r.warmMs("tiered.warm") / r.warmMs("warm.core"))));
        out.append(String.format(Locale.ROOT, "| %,d migrations | %s | %s | %s |%n", scaleMigrations,
                ms(r.ms("scale.ours")), ms(r.ms("tiered.scale")), ratio(r.ms("tiered.scale") / r.ms("scale.core"))));

        out.append("\nAll cold samples (ms): ");
        for (String key : r.cold.keySet()) {
            out.append("\n- ").append(key).append(": ").append(r.samples(key));
        }
        out.append("\n\nSetup: ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs, ")
                .append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append(" for every process; PostgreSQL ").append(serverVersion(database))
                .append(" (embedded, local); Skylift: flyway-core ").append(jarVersion("flyway-core-"))
                .append(" in the image layout, run by aws-lambda-java-runtime-interface-client ")
                .append(ricVersion()).append(" against a local Runtime API, JAVA_TOOL_OPTIONS=\"")
                .append(LambdaImage.dockerfileToolOptions(repository.resolve("Dockerfile")))
                .append("\" from the Dockerfile and Lambda's JVM flags ").append(LambdaImage.LAMBDA_JVM_FLAGS)
                .append(", secrets from a local Secrets Manager endpoint; Flyway CLI: ").append(cliVersion())
                .append(" with its whole dependency tree (its own flyway-core), JVM defaults; plain flyway-core: ")
                .append(jarVersion("flyway-core-")).append(" with flyway-database-postgresql and the driver, JVM ")
                .append("defaults. Benchmark took ").append(took.toMinutes()).append(" min ")
                .append(took.toSecondsPart()).append(" s.\n");
        return out.toString();
    }

    private static void row(StringBuilder out, String scenario, String ours, String cli, String core,
                            String oursCli, String oursCore, String target, boolean pass) {
        out.append("| ").append(String.join(" | ", scenario, ours, cli, core, oursCli, oursCore, target,
                pass ? "pass" : "**fail**")).append(" |\n");
    }

    private static void lever(StringBuilder out, String variant, double millis, double shipped) {
        out.append("| ").append(variant).append(" | ").append(ms(millis)).append(" | ")
                .append(String.format(Locale.ROOT, "%.2f×", millis / shipped)).append(" |\n");
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
            return jars(module.resolve("target/dependency"), prefix).stream().findFirst()
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
