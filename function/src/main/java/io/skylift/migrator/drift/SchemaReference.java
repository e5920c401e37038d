package io.skylift.migrator.drift;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The schema as the applied migrations left it: a {@link CatalogSnapshot} stored by the migrator, in table
 * {@value #TABLE} beside Flyway's history table, after every migrate that applied something, every repair and every
 * baseline (and by a no-op migrate when there is none for the current history yet). It is keyed by a fingerprint of
 * the schema history, so a reference taken before migrations that ran elsewhere is recognised as stale rather than
 * read as drift.
 */
public final class SchemaReference {
    /** The function's own table; the snapshot leaves it out, like Flyway's history table. */
    public static final String TABLE = "skylift_schema_reference";

    private final HistoryTable history;

    public SchemaReference(HistoryTable history) {
        this.history = Objects.requireNonNull(history, "history must not be null");
    }

    /**
     * A stored reference.
     *
     * @param historyFingerprint the schema history's fingerprint when it was taken
     * @param schemaVersion      the schema version then; null when the history had no versioned row
     * @param postgresMajor      PostgreSQL's major version then (definitions print differently across majors)
     * @param takenAt            when it was taken
     * @param snapshot           the schema then
     */
    public record Stored(String historyFingerprint, String schemaVersion, int postgresMajor, Instant takenAt,
                         CatalogSnapshot snapshot) {
    }

    /**
     * The schema history now.
     *
     * @param fingerprint   md5 of every row's rank, version, type, script, checksum and outcome
     * @param schemaVersion the latest successful version, null when none
     */
    public record HistoryState(String fingerprint, String schemaVersion) {
    }

    /** The quoted, qualified names of the history table and of the reference table, on this connection. */
    record Names(String history, String reference) {
        List<String> both() {
            return List.of(history, reference);
        }
    }

    Names names(Connection connection) throws SQLException {
        String schema = history.schema();
        if (schema == null) {
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT current_schema()")) {
                rs.next();
                schema = rs.getString(1);
            }
        }
        if (schema == null) {
            throw new SQLException("the session has no current schema (search_path is empty): set FLYWAY_DEFAULT_SCHEMA",
                    "3F000");
        }
        return new Names(quote(schema) + "." + quote(history.table()), quote(schema) + "." + quote(TABLE));
    }

    /** The history's state, or empty when there is no history table. */
    public Optional<HistoryState> historyState(Connection connection) throws SQLException {
        Names names = names(connection);
        if (!exists(connection, names.history())) {
            return Optional.empty();
        }
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("""
                     SELECT md5(coalesce(string_agg(concat_ws('|', installed_rank, version, type, script, checksum,
                                success), ',' ORDER BY installed_rank), '')),
                            (SELECT version FROM %1$s WHERE success AND version IS NOT NULL
                             ORDER BY installed_rank DESC LIMIT 1)
                     FROM %1$s""".formatted(names.history()))) {
            rs.next();
            return Optional.of(new HistoryState(rs.getString(1), rs.getString(2)));
        }
    }

    /** The stored reference, or empty when there is none (no table, or no row). */
    public Optional<Stored> read(Connection connection) throws SQLException {
        Names names = names(connection);
        if (!exists(connection, names.reference())) {
            return Optional.empty();
        }
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT history_fingerprint, schema_version, postgres_major,"
                     + " taken_at, snapshot FROM " + names.reference() + " ORDER BY taken_at DESC LIMIT 1")) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new Stored(rs.getString(1), rs.getString(2), rs.getInt(3),
                    rs.getTimestamp(4).toInstant(), CatalogSnapshot.fromJson(rs.getString(5))));
        }
    }

    /** The schema now, without Flyway's history table and the reference table. */
    public CatalogSnapshot snapshot(Connection connection) throws SQLException {
        return CatalogSnapshot.read(connection, names(connection).both());
    }

    /**
     * Takes the reference now, replacing the stored one, in one transaction (creating the table the first time).
     * Does nothing when there is no history table (nothing was migrated).
     *
     * @return whether it took one
     */
    public boolean take(Connection connection) throws SQLException {
        Optional<HistoryState> state = historyState(connection);
        if (state.isEmpty()) {
            return false;
        }
        Names names = names(connection);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS " + names.reference() + " ("
                        + "history_fingerprint text PRIMARY KEY, schema_version text, postgres_major integer NOT NULL,"
                        + " taken_at timestamptz NOT NULL DEFAULT clock_timestamp(), snapshot text NOT NULL)");
                statement.execute("COMMENT ON TABLE " + names.reference() + " IS 'Skylift: the schema as the applied"
                        + " migrations left it, for the drift command. Retaken by migrate, repair and baseline.'");
                // One writer at a time: two migrators finishing together must not both insert.
                statement.execute("LOCK TABLE " + names.reference() + " IN EXCLUSIVE MODE");
                statement.execute("DELETE FROM " + names.reference());
            }
            CatalogSnapshot snapshot = snapshot(connection);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + names.reference()
                    + " (history_fingerprint, schema_version, postgres_major, snapshot)"
                    + " VALUES (?, ?, current_setting('server_version_num')::integer / 10000, ?)")) {
                insert.setString(1, state.get().fingerprint());
                insert.setString(2, state.get().schemaVersion());
                insert.setString(3, snapshot.toJson());
                insert.executeUpdate();
            }
            connection.commit();
            return true;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /**
     * Takes the reference when there is none for the current history (a database migrated before drift existed, or
     * migrated by something else since): a no-op migrate must not retake it, or it would absorb every drift.
     *
     * @return whether it took one
     */
    public boolean ensure(Connection connection) throws SQLException {
        Optional<HistoryState> state = historyState(connection);
        if (state.isEmpty()) {
            return false;
        }
        // The fingerprint only: a no-op deploy must not pay for reading and parsing the whole snapshot.
        Names names = names(connection);
        if (exists(connection, names.reference())) {
            try (PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM " + names.reference()
                    + " WHERE history_fingerprint = ?")) {
                statement.setString(1, state.get().fingerprint());
                try (ResultSet rs = statement.executeQuery()) {
                    if (rs.next()) {
                        return false;
                    }
                }
            }
        }
        return take(connection);
    }

    private static boolean exists(Connection connection, String qualifiedName) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            statement.setString(1, qualifiedName);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
