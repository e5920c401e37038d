package io.skylift.migrator.migration;

import io.skylift.migrator.config.Settings;
import io.skylift.migrator.invocation.Command;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.flywaydb.core.api.MigrationVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast path of a no-op deploy: answers {@code migrate} with "up to date" from one query of the schema history,
 * without starting Flyway, when the history provably matches the image's migrations exactly. Whenever it cannot
 * prove that, it says so and the caller runs Flyway, which then decides (and applies, waits for the lock, or fails
 * validation) as it always did.
 *
 * <p>"Exactly" means: the history table is {@code flyway_schema_history} in the connection's current schema (where
 * Flyway looks by default); every row succeeded and is of type {@code SQL}; the versioned rows are the image's
 * versioned migrations, one row each, installed in ascending version order, with the same description, script and
 * checksum (so nothing is pending, missing, failed, out of order, ignored or from a newer image); and for every
 * repeatable migration of the image the latest row with its description has its current checksum (placeholders
 * replaced), and no repeatable row names a migration the image lacks.
 *
 * <p>Only for the configuration that Lambda uses: the image's folder (or one {@code filesystem:} location) and no
 * {@code FLYWAY_*} variable besides the connection ({@code FLYWAY_URL}, {@code FLYWAY_USER},
 * {@code FLYWAY_PASSWORD}), {@code FLYWAY_LOCATIONS} and placeholders ({@code FLYWAY_PLACEHOLDERS_*}); any other
 * setting could change what Flyway does, so it turns the fast path off.
 */
public final class UpToDateCheck {
    private static final Logger LOG = LoggerFactory.getLogger(UpToDateCheck.class);
    private static final Set<String> HANDLED_VARIABLES =
            Set.of("FLYWAY_URL", "FLYWAY_USER", "FLYWAY_PASSWORD", "FLYWAY_LOCATIONS");
    private static final String PLACEHOLDER_VARIABLE_PREFIX = "FLYWAY_PLACEHOLDERS_";
    private static final String FILESYSTEM = "filesystem:";
    /** The table Flyway would use, compared by oid so that a same-named table elsewhere on the search path fails. */
    private static final String HISTORY_QUERY = """
            SELECT installed_rank, version, description, type, script, checksum, success,
                   tableoid = to_regclass(quote_ident(current_schema()) || '.flyway_schema_history') AS expected_table
            FROM flyway_schema_history
            ORDER BY installed_rank""";
    private static final String UNDEFINED_TABLE = "42P01";

    private final Path location;
    private final Map<String, String> configuredPlaceholders;

    private UpToDateCheck(Path location, Map<String, String> configuredPlaceholders) {
        this.location = location;
        this.configuredPlaceholders = configuredPlaceholders;
    }

    /**
     * The check for these settings, or empty when they configure Flyway beyond what the check handles.
     */
    public static Optional<UpToDateCheck> forSettings(Settings settings) {
        Objects.requireNonNull(settings, "settings must not be null");
        Map<String, String> placeholders = new HashMap<>();
        for (Map.Entry<String, String> variable : settings.flywayEnvironment().entrySet()) {
            String name = variable.getKey();
            if (name.startsWith(PLACEHOLDER_VARIABLE_PREFIX) && name.length() > PLACEHOLDER_VARIABLE_PREFIX.length()) {
                // Flyway's name for it (ConfigUtils): the rest in lower case.
                placeholders.put(name.substring(PLACEHOLDER_VARIABLE_PREFIX.length()).toLowerCase(Locale.ENGLISH),
                        variable.getValue());
            } else if (!HANDLED_VARIABLES.contains(name)) {
                LOG.debug("No fast path: {} is set", name);
                return Optional.empty();
            }
        }
        String locations = settings.flywayEnvironment().getOrDefault("FLYWAY_LOCATIONS", settings.defaultLocation());
        if (locations == null || !locations.startsWith(FILESYSTEM) || locations.contains(",")
                || locations.contains("*") || locations.contains("?")) {
            return Optional.empty();
        }
        return Optional.of(new UpToDateCheck(Path.of(locations.substring(FILESYSTEM.length())),
                Map.copyOf(placeholders)));
    }

    /** Whether {@code command} with these arguments is one the check may answer: a plain {@code migrate}. */
    public static boolean handles(Command command, String target, String baselineVersion) {
        return command == Command.MIGRATE && target == null && baselineVersion == null;
    }

    /**
     * @param connection         a connection to the database, as the migrator uses it; left open
     * @param secretPlaceholders placeholder values read from secrets; they win over {@code FLYWAY_PLACEHOLDERS_*}
     * @return the report Flyway's {@code migrate} would give (nothing applied, nothing pending), when the history
     *         provably matches the image; empty when Flyway must decide
     */
    public Optional<MigrationReport> upToDate(Connection connection, Map<String, String> secretPlaceholders) {
        long start = System.nanoTime();
        String reason;
        try {
            List<Row> history = history(connection);
            reason = history == null ? "the schema history table does not exist yet" : compare(history,
                    ImageMigrations.resolve(location, placeholders(secretPlaceholders)));
            if (reason == null) {
                String version = latestVersion(history);
                LOG.info("Schema history matches the image's {} migration(s): up to date at version {} "
                        + "(checked without Flyway)", history.size(), version);
                return Optional.of(MigrationReport.builder(Command.MIGRATE.wireName()).previousSchemaVersion(version)
                        .schemaVersion(version).durationMs((System.nanoTime() - start) / 1_000_000).build());
            }
        } catch (ImageMigrations.Unsupported e) {
            reason = e.getMessage();
        } catch (SQLException | RuntimeException e) {
            reason = "the schema history could not be read (" + e.getMessage() + ")";
        }
        LOG.info("Running Flyway: {}", reason);
        return Optional.empty();
    }

    private Map<String, String> placeholders(Map<String, String> secretPlaceholders) throws ImageMigrations.Unsupported {
        Map<String, String> merged = new HashMap<>(configuredPlaceholders);
        for (Map.Entry<String, String> secret : secretPlaceholders.entrySet()) {
            String name = secret.getKey().toLowerCase(Locale.ENGLISH);
            if (!name.equals(secret.getKey()) && merged.containsKey(name)) {
                // Flyway's own order between two spellings of one name is not defined.
                throw new ImageMigrations.Unsupported("placeholder " + name + " is set twice");
            }
            merged.put(name, secret.getValue());
        }
        return merged;
    }

    private record Row(int rank, String version, String description, String type, String script, Integer checksum,
                       boolean success, boolean expectedTable) {
    }

    /** The history's rows by rank, or null when there is no history table on the search path. */
    private static List<Row> history(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(HISTORY_QUERY)) {
            List<Row> history = new ArrayList<>();
            while (rows.next()) {
                Number checksum = (Number) rows.getObject("checksum");
                history.add(new Row(rows.getInt("installed_rank"), rows.getString("version"),
                        rows.getString("description"), rows.getString("type"), rows.getString("script"),
                        checksum == null ? null : checksum.intValue(), rows.getBoolean("success"),
                        rows.getBoolean("expected_table")));
            }
            return history;
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                return null;
            }
            throw e;
        }
    }

    /** Null when the history matches the image exactly; otherwise why not. */
    private static String compare(List<Row> history, List<ImageMigrations.Migration> image) {
        if (history.isEmpty()) {
            return "the schema history is empty";
        }
        Map<String, ImageMigrations.Migration> versioned = new HashMap<>();
        Map<String, ImageMigrations.Migration> repeatable = new HashMap<>();
        for (ImageMigrations.Migration migration : image) {
            (migration.version() == null ? repeatable : versioned)
                    .put(migration.version() == null ? migration.description() : migration.version(), migration);
        }
        Map<String, Row> latestRepeatable = new HashMap<>();
        MigrationVersion previous = null;
        int versionedRows = 0;
        for (Row row : history) {
            if (!row.expectedTable()) {
                return "flyway_schema_history on the search path is not in the current schema";
            }
            if (!row.success()) {
                return "the history has a failed migration (rank " + row.rank() + ")";
            }
            if (!"SQL".equals(row.type())) {
                return "the history has a row of type " + row.type() + " (rank " + row.rank() + ")";
            }
            if (row.version() == null) {
                latestRepeatable.put(row.description(), row);
                continue;
            }
            versionedRows++;
            ImageMigrations.Migration migration = versioned.get(row.version());
            if (migration == null) {
                return "version " + row.version() + " is in the history but not in the image";
            }
            if (!migration.description().equals(row.description()) || !migration.script().equals(row.script())
                    || !Objects.equals(migration.checksum(), row.checksum())) {
                return "version " + row.version() + " differs between the history and the image";
            }
            MigrationVersion version = MigrationVersion.fromVersion(row.version());
            if (previous != null && version.compareTo(previous) <= 0) {
                return "version " + row.version() + " was applied out of order";
            }
            previous = version;
        }
        if (versionedRows != versioned.size()) {
            return (versioned.size() - versionedRows) + " versioned migration(s) are pending";
        }
        for (Row row : latestRepeatable.values()) {
            if (!repeatable.containsKey(row.description())) {
                return "repeatable migration '" + row.description() + "' is in the history but not in the image";
            }
        }
        for (ImageMigrations.Migration migration : repeatable.values()) {
            Row latest = latestRepeatable.get(migration.description());
            if (latest == null || !migration.script().equals(latest.script())
                    || !Objects.equals(migration.checksum(), latest.checksum())) {
                return "repeatable migration " + migration.script() + " is pending";
            }
        }
        return null;
    }

    /** Flyway's current version: the highest versioned row (they are in ascending order), null when none. */
    private static String latestVersion(List<Row> history) {
        String version = null;
        for (Row row : history) {
            if (row.version() != null) {
                version = row.version();
            }
        }
        return version;
    }
}
