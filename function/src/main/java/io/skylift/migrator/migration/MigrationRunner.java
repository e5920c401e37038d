package io.skylift.migrator.migration;

import io.skylift.migrator.config.Settings;
import io.skylift.migrator.invocation.Command;
import io.skylift.migrator.invocation.DirectRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.BaselineResult;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.RepairResult;
import org.flywaydb.core.api.output.ValidateResult;
import org.flywaydb.core.internal.configuration.ConfigUtils;

/**
 * Runs one Flyway command against a data source and reports it as a {@link MigrationReport}.
 *
 * <p>Defaults, each overridable by Flyway's own {@code FLYWAY_*} variable: the image's migrations folder,
 * validation before migrate, a missing location is an error, future versions in the database are ignored (a
 * rollback deploy of an older image must succeed without undoing anything), and the lock is waited for as long
 * as the watchdog allows. {@code cleanDisabled} is always true: a deploy tool must never drop a schema.
 */
public final class MigrationRunner {
    /** Set from the data source; never taken from Flyway's variables into Flyway's own connection handling. */
    private static final List<String> CONNECTION_PROPERTIES = List.of("flyway.url", "flyway.user", "flyway.password");

    private final Map<String, String> configuration;

    public MigrationRunner(Settings settings) {
        Map<String, String> config = new HashMap<>();
        if (settings.defaultLocation() != null) {
            config.put("flyway.locations", settings.defaultLocation());
        }
        config.put("flyway.validateOnMigrate", "true");
        config.put("flyway.failOnMissingLocations", "true");
        // -1 waits for the lock indefinitely: the watchdog, not a retry count, bounds the wait by the deadline.
        config.put("flyway.lockRetryCount", "-1");
        config.putAll(ConfigUtils.environmentVariablesToPropertyMap(settings.flywayEnvironment()));
        CONNECTION_PROPERTIES.forEach(config::remove);
        config.put("flyway.cleanDisabled", "true");
        this.configuration = Map.copyOf(config);
    }

    /**
     * Runs {@code request.command()}.
     *
     * @param secretPlaceholders placeholder values read from secrets; they win over {@code FLYWAY_PLACEHOLDERS_*}
     * @param progress           follows the migrations as they run
     * @throws MigrationFailedException with an actionable message when the command fails
     */
    public MigrationReport run(DirectRequest request, DataSource dataSource, Map<String, String> secretPlaceholders,
                               MigrationProgress progress) {
        Objects.requireNonNull(request, "request must not be null");
        long start = System.nanoTime();
        Flyway flyway = configure(request, dataSource, secretPlaceholders, progress);
        MigrationReport report;
        try {
            report = switch (request.command()) {
                case MIGRATE -> migrate(flyway);
                case INFO -> info(flyway, Command.INFO, List.of());
                case VALIDATE -> validate(flyway);
                case REPAIR -> repair(flyway);
                case BASELINE -> baseline(flyway);
            };
        } catch (MigrationFailedException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new MigrationFailedException(FailureDescriber.describe(e, version -> scriptOf(flyway, version)));
        }
        return report.withDuration((System.nanoTime() - start) / 1_000_000);
    }

    private Flyway configure(DirectRequest request, DataSource dataSource, Map<String, String> secretPlaceholders,
                             MigrationProgress progress) {
        FluentConfiguration config = Flyway.configure(MigrationRunner.class.getClassLoader())
                .configuration(configuration)
                .dataSource(dataSource);
        Map<String, String> placeholders = new HashMap<>(config.getPlaceholders());
        placeholders.putAll(secretPlaceholders);
        config.placeholders(placeholders);
        List<Callback> callbacks = new ArrayList<>(Arrays.asList(config.getCallbacks()));
        callbacks.add(progress);
        config.callbacks(callbacks.toArray(Callback[]::new));
        if (request.target() != null) {
            config.target(MigrationVersion.fromVersion(request.target()));
        }
        if (request.baselineVersion() != null) {
            config.baselineVersion(request.baselineVersion());
        }
        return config.load();
    }

    private static MigrationReport migrate(Flyway flyway) {
        MigrateResult result = flyway.migrate();
        List<MigrationSummary> applied = result.migrations.stream()
                .map(m -> MigrationSummary.of(m, "Success"))
                .toList();
        List<MigrationSummary> pending = result.getPendingMigrations().stream()
                .map(m -> MigrationSummary.of(m, "Pending"))
                .toList();
        String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
        return new MigrationReport(Command.MIGRATE.wireName(), true, version, result.initialSchemaVersion,
                result.migrationsExecuted, applied, pending, result.warnings == null ? List.of() : result.warnings, 0);
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
        return new MigrationReport(command.wireName(), true, version, version, 0, applied, pending, messages, 0);
    }

    private static MigrationReport validate(Flyway flyway) {
        ValidateResult result = flyway.validateWithResult();
        if (!result.validationSuccessful) {
            // The summary says only "Migrations have failed validation"; the details are per migration.
            String message = result.getAllErrorMessages();
            throw new MigrationFailedException(
                    FailureDescriber.describeValidate(message, version -> scriptOf(flyway, version)));
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

    /** The image's script for a version, for messages; null when the image has none. */
    private static String scriptOf(Flyway flyway, String version) {
        try {
            for (MigrationInfo info : flyway.info().all()) {
                if (info.getVersion() != null && info.getVersion().getVersion().equals(version)) {
                    return info.getScript();
                }
            }
        } catch (RuntimeException ignored) {
            // the message is still useful without the script's name
        }
        return null;
    }
}
