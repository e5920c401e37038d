package io.skylift.migrator.local;

import io.skylift.migrator.Migrator;
import io.skylift.migrator.config.Settings;
import io.skylift.migrator.database.ConnectRetryPolicy;
import io.skylift.migrator.deadline.Deadline;
import io.skylift.migrator.invocation.Command;
import io.skylift.migrator.invocation.DirectRequest;
import io.skylift.migrator.migration.MigrationReport;
import io.skylift.migrator.secrets.CachingSecretSource;
import io.skylift.migrator.secrets.ScramVerifiers;
import io.skylift.migrator.secrets.SecretsManagerSource;
import io.skylift.migrator.testkit.LocalDatabases;
import io.skylift.migrator.testkit.TestDatabase;
import io.skylift.lint.LintResult;
import io.skylift.lint.Linter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The README's first command: applies {@code migrations/} through the same {@link Migrator} the Lambda runs, to an
 * embedded PostgreSQL (default), to {@code --url}, or to the database of {@code --secret-arn}, then prints the
 * schema history. Exit status 0 on success, 1 when the migration fails, 2 on bad arguments.
 * It lives in the test sources so that the embedded PostgreSQL never reaches the image.
 */
public final class LocalMigrate {
    private static final String USAGE = """
            Usage: LocalMigrate [--url JDBC_URL --user NAME] [--secret-arn ARN] [--locations LOCATIONS]
                                [--command migrate|info|validate|repair|baseline|plan|lint] [--target VERSION]
              (no database option)  an embedded PostgreSQL 17, started for this run
              --url, --user          a database of yours; the password comes from the PGPASSWORD variable
              --secret-arn           the database of a Secrets Manager secret (standard AWS configuration)
              --locations            Flyway locations, default filesystem:<repository>/migrations
              --command lint         needs no database: prints the lint report, exit status 1 on an error finding
              --command plan         what migrate would do; reads the database, changes nothing
            Placeholders: FLYWAY_PLACEHOLDERS_APP_PASSWORD (else a random one for the embedded database);
              V4's ${app_password_scram} is its SCRAM-SHA-256 verifier, derived here.
            """;

    private LocalMigrate() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.getenv()));
    }

    static int run(String[] args, PrintStream out, Map<String, String> processEnvironment) {
        Map<String, String> options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
            out.print(USAGE);
            return 2;
        }
        if ("lint".equals(options.get("--command"))) {
            return lint(options.getOrDefault("--locations", defaultLocation()), out);
        }
        Map<String, String> env = new HashMap<>();
        processEnvironment.forEach((name, value) -> {
            if (name.startsWith("FLYWAY_") || name.startsWith("PLACEHOLDER_SECRET_") || name.startsWith("DB_")
                    || name.startsWith("AWS_")) {
                env.put(name, value);
            }
        });
        env.putIfAbsent("FLYWAY_LOCATIONS", options.getOrDefault("--locations", defaultLocation()));
        if (options.containsKey("--secret-arn")) {
            env.put("DB_SECRET_ARN", options.get("--secret-arn"));
        } else if (options.containsKey("--url")) {
            env.put("FLYWAY_URL", options.get("--url"));
            env.put("FLYWAY_USER", options.getOrDefault("--user", processEnvironment.getOrDefault("PGUSER", "postgres")));
            if (processEnvironment.containsKey("PGPASSWORD")) {
                env.put("FLYWAY_PASSWORD", processEnvironment.get("PGPASSWORD"));
            }
            env.putIfAbsent("DB_SSL_MODE", "prefer");
        } else {
            out.println("Starting an embedded PostgreSQL 17 (no --url or --secret-arn given)...");
            TestDatabase database = LocalDatabases.create("local_run");
            env.put("FLYWAY_URL", database.baseJdbcUrl());
            env.put("FLYWAY_USER", database.username());
            env.put("FLYWAY_PASSWORD", database.password());
            // TLS as against Aurora: the default verify-full, with the CA the test kit made for this server.
            env.put("DB_SSL_ROOT_CERT", database.caCertificate().toString());
            if (!env.containsKey("FLYWAY_PLACEHOLDERS_APP_PASSWORD")
                    && !env.containsKey("PLACEHOLDER_SECRET_APP_PASSWORD")) {
                byte[] random = new byte[12];
                new SecureRandom().nextBytes(random);
                env.put("FLYWAY_PLACEHOLDERS_APP_PASSWORD", HexFormat.of().formatHex(random));
            }
            out.println("Database " + database.databaseName() + " on " + database.host() + ":" + database.port());
        }
        // As the function offers <name>_scram beside each placeholder secret; here the password is a plain placeholder.
        String appPassword = env.get("FLYWAY_PLACEHOLDERS_APP_PASSWORD");
        if (appPassword != null) {
            env.putIfAbsent("FLYWAY_PLACEHOLDERS_APP_PASSWORD" + ScramVerifiers.SUFFIX.toUpperCase(java.util.Locale.ROOT),
                    ScramVerifiers.verifierOf(appPassword));
        }

        Migrator migrator = new Migrator(Settings.fromEnvironment(env), new CachingSecretSource(new SecretsManagerSource()),
                ConnectRetryPolicy.DEFAULT);
        Command command = Command.fromWireName(options.getOrDefault("--command", "migrate")).orElse(null);
        if (command == null) {
            out.println("Unknown command '" + options.get("--command") + "': valid commands are " + Command.validNames());
            return 2;
        }
        try {
            MigrationReport report = migrator.run(new DirectRequest(command, options.get("--target"), null),
                    Deadline.after(Duration.ofMinutes(15)));
            if (command == Command.PLAN) {
                out.print(PlanText.render(report));
                return 0;
            }
            out.printf("%s: success, schema version %s, %d migration(s) applied in %d ms%n", report.command(),
                    report.schemaVersion(), report.migrationsApplied(), report.durationMs());
            report.messages().forEach(message -> out.println("  " + migrator.redactor().redact(message)));
            MigrationReport info = migrator.run(new DirectRequest(Command.INFO, null, null),
                    Deadline.after(Duration.ofMinutes(1)));
            out.print(SchemaHistoryTable.render(info));
            return 0;
        } catch (RuntimeException e) {
            out.println(command.wireName() + " FAILED: " + migrator.redactor().redact(e.getMessage()));
            return 1;
        }
    }

    /** The lint report of the first location's folder; no database. */
    private static int lint(String locations, PrintStream out) {
        String location = locations.split(",")[0].strip();
        Path folder = Path.of(location.startsWith("filesystem:") ? location.substring("filesystem:".length()) : location);
        try {
            LintResult result = new Linter().lintDirectory(folder);
            out.print(result.report(folder.toString()));
            return result.hasErrors() ? 1 : 0;
        } catch (IOException e) {
            out.println("lint FAILED: cannot read " + folder + ": " + e.getMessage());
            return 2;
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (!name.matches("--(url|user|secret-arn|locations|command|target)")) {
                throw new IllegalArgumentException("Unknown option '" + name + "'");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Option " + name + " needs a value");
            }
            options.put(name, args[++i]);
        }
        if (options.containsKey("--url") && options.containsKey("--secret-arn")) {
            throw new IllegalArgumentException("Give --url or --secret-arn, not both");
        }
        return options;
    }

    /** {@code migrations/} of the repository, from the working directory (the repository or its function/). */
    private static String defaultLocation() {
        Path here = Path.of("").toAbsolutePath();
        Path migrations = Files.isDirectory(here.resolve("migrations")) ? here.resolve("migrations")
                : here.resolveSibling("migrations");
        return "filesystem:" + migrations;
    }
}
