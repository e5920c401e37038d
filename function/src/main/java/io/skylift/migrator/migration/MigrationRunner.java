package io.skylift.migrator.migration;

import io.skylift.migrator.config.Settings;
import io.skylift.migrator.failure.CauseChain;
import io.skylift.migrator.failure.ConfigurationException;
import io.skylift.migrator.failure.MigrationFailedException;
import io.skylift.migrator.failure.MigratorException;
import io.skylift.migrator.invocation.Command;
import io.skylift.migrator.invocation.DirectRequest;
import io.skylift.migrator.observability.RedactingFlywayLogs;
import io.skylift.migrator.plan.MigrationFolders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.BaselineResult;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.RepairResult;
import org.flywaydb.core.api.output.ValidateResult;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one Flyway command against a data source and reports it as a {@link MigrationReport}.
 *
 * <p>Defaults, each overridable by Flyway's own {@code FLYWAY_*} variable: the image's migrations folder,
 * validation before migrate, a missing location is an error, future versions in the database are ignored (a
 * rollback deploy of an older image must succeed without undoing anything), and the lock is waited for as long
 * as the watchdog allows. {@code cleanDisabled} is always true: a deploy tool must never drop a schema.
 */
public final class MigrationRunner {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationRunner.class);
    /** Set from the data source; never taken from Flyway's variables into Flyway's own connection handling. */
    private static final List<String> CONNECTION_PROPERTIES = List.of("flyway.url", "flyway.user", "flyway.password");

    private final Map<String, String> configuration;
    /** The image's migration folders, whose pending migrations {@code plan} lints; empty when not plain folders. */
    private final List<Path> lintFolders;
    private Path emptyFolder;

    public MigrationRunner(Settings settings) {
        Map<String, String> config = new HashMap<>();
        if (settings.defaultLocation() != null) {
            config.put("flyway.locations", settings.defaultLocation());
        }
        config.put("flyway.validateOnMigrate", "true");
        config.put("flyway.failOnMissingLocations", "true");
        // -1 waits for the lock indefinitely: the watchdog, not a retry count, bounds the wait by the deadline.
        config.put("flyway.lockRetryCount", "-1");
        config.putAll(FlywayInternals.propertiesFromEnvironment(settings.flywayEnvironment()));
        CONNECTION_PROPERTIES.forEach(config::remove);
        config.put("flyway.cleanDisabled", "true");
        // After the environment: no FLYWAY_LOGGERS may send Flyway's lines around the redaction of secrets.
        config.put("flyway.loggers", RedactingFlywayLogs.class.getName());
        this.configuration = Map.copyOf(config);
        List<Path> folders;
        try {
            folders = MigrationFolders.of(settings);
        } catch (ConfigurationException e) {
            folders = List.of(); // classpath: or wildcard locations: plan reports no findings rather than failing
        }
        this.lintFolders = folders;
    }

    /**
     * Runs {@code request.command()}.
     *
     * @param secretPlaceholders placeholder values read from secrets; they win over {@code FLYWAY_PLACEHOLDERS_*}
     * @param progress           follows the migrations as they run
     * @param lockRetry          how a migration that hit the lock timeout is retried
     * @throws MigrationFailedException with an actionable message and code when the command fails
     */
    public MigrationReport run(DirectRequest request, DataSource dataSource, Map<String, String> secretPlaceholders,
                               MigrationProgress progress, LockRetry lockRetry) {
        return run(request, dataSource, secretPlaceholders, progress, lockRetry, null);
    }

    /**
     * Runs {@code request.command()}, reading the migrations from {@code providedFolder} instead of the configured
     * locations when it is not null (a {@code plan} of a payload's migrations).
     */
    public MigrationReport run(DirectRequest request, DataSource dataSource, Map<String, String> secretPlaceholders,
                               MigrationProgress progress, LockRetry lockRetry, Path providedFolder) {
        Objects.requireNonNull(request, "request must not be null");
        Objects.requireNonNull(lockRetry, "lockRetry must not be null");
        long start = System.nanoTime();
        Flyway flyway = configure(request, dataSource, secretPlaceholders, progress, providedFolder);
        FailureDescriber describer = new FailureDescriber(text -> scriptsUsing(flyway, text), lockRetry);
        MigrationReport report;
        try {
            JavaMigrationCheck.check(flyway.getConfiguration().getLocations(), MigrationRunner.class.getClassLoader());
            report = switch (request.command()) {
                case MIGRATE -> migrate(flyway, describer, lockRetry);
                case INFO -> info(flyway, Command.INFO, List.of());
                case VALIDATE -> validate(flyway);
                case REPAIR -> repair(flyway);
                case BASELINE -> baseline(flyway);
                case PLAN -> Planner.plan(flyway, providedFolder == null ? lintFolders : List.of(providedFolder));
                case LINT -> throw new IllegalArgumentException("lint needs no database: the Migrator answers it");
                case DRIFT -> throw new IllegalArgumentException("drift needs no Flyway: the Migrator answers it");
            };
        } catch (MigratorException e) {
            throw e;
        } catch (RuntimeException e) {
            // The function's own failures raised inside Flyway (its connections come from our data source: an
            // unreachable database, refused credentials, TLS) keep their code and message, whatever wraps them.
            Optional<MigratorException> ours = ownFailure(e);
            if (ours.isPresent()) {
                throw ours.get();
            }
            throw e instanceof FlywayValidateException validate ? validationFailure(flyway, validate, describer)
                    : describer.describe(e);
        }
        return report.withDuration((System.nanoTime() - start) / 1_000_000);
    }

    private Flyway configure(DirectRequest request, DataSource dataSource, Map<String, String> secretPlaceholders,
                             MigrationProgress progress, Path providedFolder) {
        FluentConfiguration config = Flyway.configure(MigrationRunner.class.getClassLoader())
                .configuration(request.command() == Command.PLAN ? withoutCallbackSettings(configuration) : configuration)
                .dataSource(dataSource);
        // Flyway's default (postgresql.transactional.lock=true) holds its lock in an open transaction, which a
        // CREATE INDEX CONCURRENTLY in a non-transactional migration waits for forever; a session-level advisory
        // lock holds no transaction. (Set on the extension: the property route needs Jackson, which we leave out.)
        config.getConfigurationExtension(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
        if (providedFolder != null) {
            config.locations("filesystem:" + providedFolder);
        }
        Map<String, String> placeholders = new HashMap<>(config.getPlaceholders());
        placeholders.putAll(secretPlaceholders);
        config.placeholders(placeholders);
        if (request.command() == Command.PLAN) {
            withoutExecutingAnything(config);
        } else {
            List<Callback> callbacks = new ArrayList<>(Arrays.asList(config.getCallbacks()));
            callbacks.add(progress);
            callbacks.add(new ConcurrentlyLockWait());
            config.callbacks(callbacks.toArray(Callback[]::new));
        }
        if (request.target() != null) {
            config.target(MigrationVersion.fromVersion(request.target()));
        }
        if (request.baselineVersion() != null) {
            config.baselineVersion(request.baselineVersion());
        }
        return config.load();
    }

    /**
     * {@code plan} runs before anyone approved the commit, on files a payload may have brought: no callback of any
     * kind runs (no SQL callback such as {@code beforeInfo.sql}, no script callback such as {@code beforeInfo.sh},
     * from the migrations or any callback location, and no callback class), and placeholders are not replaced, so no
     * checksum is computed over text holding their (possibly secret) values: a repeatable's CRC would disclose them.
     * The placeholders stay configured, so the plan can tell which ones the function knows.
     */
    private void withoutExecutingAnything(FluentConfiguration config) {
        config.callbacks(new Callback[0])
                .skipDefaultCallbacks(true)
                .callbackLocations("filesystem:" + emptyFolder())
                .placeholderReplacement(false);
    }

    /**
     * The configuration without {@code FLYWAY_CALLBACKS} and {@code FLYWAY_CALLBACK_LOCATIONS}: Flyway loads the
     * classes such a setting names whenever it lists its callbacks, even after they were replaced.
     */
    private static Map<String, String> withoutCallbackSettings(Map<String, String> configuration) {
        Map<String, String> filtered = new HashMap<>(configuration);
        filtered.keySet().removeIf(key -> key.toLowerCase(java.util.Locale.ROOT).startsWith("flyway.callback"));
        return filtered;
    }

    /**
     * A folder with nothing in it, for {@code plan}'s callback location: without one, Flyway looks for script
     * callbacks among the migrations whether or not default callbacks are skipped.
     */
    private synchronized Path emptyFolder() {
        if (emptyFolder == null || !Files.isDirectory(emptyFolder)) {
            try {
                emptyFolder = Files.createTempDirectory("skylift-no-callbacks");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("Cannot create an empty folder for plan's callback location", e);
            }
        }
        return emptyFolder;
    }

    /**
     * Migrates; a transactional migration that hit the lock timeout (PostgreSQL rolled it back) is tried again
     * after a pause, as {@code lockRetry} allows. Each retry is logged with the sessions that held the lock.
     */
    private static MigrationReport migrate(Flyway flyway, FailureDescriber describer, LockRetry lockRetry) {
        List<MigrationSummary> appliedBefore = new ArrayList<>();
        String initialVersion = null;
        boolean first = true;
        for (int attempt = 1; ; attempt++) {
            MigrateResult result;
            try {
                result = flyway.migrate();
            } catch (FlywayValidateException e) {
                throw e;
            } catch (RuntimeException e) {
                var failed = FlywayInternals.failedMigration(e);
                if (failed.isEmpty() || !failed.get().inTransaction() || !lockTimedOut(e)) {
                    throw e;
                }
                if (failed.get().partial() != null) {
                    if (first) {
                        initialVersion = failed.get().partial().initialSchemaVersion;
                    }
                    failed.get().partial().migrations.forEach(m -> appliedBefore.add(MigrationSummary.of(m, "Success")));
                }
                first = false;
                Optional<Duration> pause = lockRetry.pauseBefore(attempt);
                var blockers = lockRetry.blockers().get();
                String which = failed.get().migration() == null ? "a migration"
                        : MigrationSummary.of(failed.get().migration()).label();
                if (pause.isEmpty()) {
                    throw describer.describeMigration(failed.get(), e, blockers, attempt, lockRetry.lockTimeout());
                }
                LOG.warn("Migration {} waited longer than the lock timeout ({} ms) for a lock held by {}; PostgreSQL "
                                + "rolled it back. Retry {} of {} in {} ms", which, lockRetry.lockTimeout().toMillis(),
                        io.skylift.migrator.database.BlockingSession.describe(blockers), attempt, lockRetry.retries(),
                        pause.get().toMillis());
                sleep(pause.get());
                continue;
            }
            List<MigrationSummary> applied = new ArrayList<>(appliedBefore);
            result.migrations.stream().map(m -> MigrationSummary.of(m, "Success")).forEach(applied::add);
            List<MigrationSummary> pending = result.getPendingMigrations().stream()
                    .map(m -> MigrationSummary.of(m, "Pending"))
                    .toList();
            String initial = first ? result.initialSchemaVersion : initialVersion;
            String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
            if (!applied.isEmpty()) {
                // Flyway takes its lock per migration: another invocation may have applied later migrations between
                // ours, so the version this run reached is not necessarily the database's.
                version = currentVersion(flyway, version);
            }
            return MigrationReport.builder(Command.MIGRATE.wireName()).previousSchemaVersion(initial)
                    .schemaVersion(version).migrationsApplied(applied.size()).applied(applied).pending(pending)
                    .messages(result.warnings == null ? List.of() : result.warnings).build();
        }
    }

    /** The function's own failure in {@code e}'s cause chain, if it holds one. */
    private static Optional<MigratorException> ownFailure(Throwable e) {
        return CauseChain.first(e, MigratorException.class);
    }

    private static String currentVersion(Flyway flyway, String fallback) {
        MigrationInfo current = flyway.info().current();
        return current == null || current.getVersion() == null ? fallback : current.getVersion().getVersion();
    }

    private static boolean lockTimedOut(Throwable e) {
        var sql = FailureDescriber.rootSqlException(e);
        return sql != null && FailureDescriber.LOCK_TIMEOUT_STATE.equals(sql.getSQLState());
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry a migration", e);
        }
    }

    private static MigrationReport info(Flyway flyway, Command command, List<String> messages) {
        MigrationInfoService info = flyway.info();
        List<MigrationSummary> applied = Arrays.stream(info.all())
                .filter(MigrationInfo::isApplied)
                .map(MigrationSummary::of)
                .toList();
        List<MigrationSummary> pending = Arrays.stream(info.pending()).map(MigrationSummary::of).toList();
        MigrationInfo current = info.current();
        String version = current == null || current.getVersion() == null ? null : current.getVersion().getVersion();
        return MigrationReport.builder(command.wireName()).previousSchemaVersion(version).schemaVersion(version)
                .applied(applied).pending(pending).messages(messages).build();
    }

    private static MigrationReport validate(Flyway flyway) {
        ValidateResult result = flyway.validateWithResult();
        if (!result.validationSuccessful) {
            // The summary says only "Migrations have failed validation"; the details are per migration.
            throw FailureDescriber.describeValidation(result);
        }
        return info(flyway, Command.VALIDATE, List.of("validated " + result.validateCount + " migration(s)"));
    }

    private static MigrationReport repair(Flyway flyway) {
        RepairResult result = flyway.repair();
        List<String> actions = result.repairActions == null ? List.of() : result.repairActions;
        return info(flyway, Command.REPAIR, actions.isEmpty() ? List.of("nothing to repair") : actions);
    }

    private static MigrationReport baseline(Flyway flyway) {
        BaselineResult result = flyway.baseline();
        return info(flyway, Command.BASELINE, List.of(result.successfullyBaselined
                ? "baselined at version " + result.baselineVersion
                : "not baselined: the schema history already exists"));
    }

    /** Flyway's validate-on-migrate failed: the structured result says which migrations and why. */
    private static MigrationFailedException validationFailure(Flyway flyway, FlywayValidateException e,
                                                              FailureDescriber describer) {
        try {
            ValidateResult result = flyway.validateWithResult();
            if (!result.validationSuccessful) {
                return FailureDescriber.describeValidation(result);
            }
        } catch (RuntimeException again) {
            e.addSuppressed(again);
        }
        return describer.describe(e);
    }

    /** The file names of the filesystem migrations that contain {@code text}, for messages. */
    private static List<String> scriptsUsing(Flyway flyway, String text) {
        List<String> scripts = new ArrayList<>();
        for (Location location : flyway.getConfiguration().getLocations()) {
            if (!location.isFileSystem()) {
                continue;
            }
            try (Stream<Path> files = Files.walk(Path.of(location.getRootPath()))) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    if (Files.readString(file).contains(text)) {
                        scripts.add(file.getFileName().toString());
                    }
                }
            } catch (IOException | RuntimeException ignored) {
                // the message is still useful without the scripts' names
            }
        }
        return scripts;
    }
}
