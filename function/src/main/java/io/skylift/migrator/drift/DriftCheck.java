package io.skylift.migrator.drift;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code drift} command: compares the schema now with the reference its applied migrations left. It only reads
 * (the catalogs, the history table, the reference table), so a role with SELECT on those two tables can run it, and
 * it never takes a reference itself: without a usable one it says why and answers no drift.
 */
public final class DriftCheck {
    static final String NO_REFERENCE = "no reference yet; taken at the next migrate (or repair)";

    private final SchemaReference reference;

    public DriftCheck(SchemaReference reference) {
        this.reference = Objects.requireNonNull(reference, "reference must not be null");
    }

    /**
     * @param connection a connection whose transactions are read-only; left open
     * @return the comparison, or no drift with a note when there is nothing to compare with
     */
    public Result check(Connection connection) throws SQLException {
        Optional<SchemaReference.HistoryState> history = reference.historyState(connection);
        if (history.isEmpty()) {
            return new Result(null, DriftReport.noReference("no schema history: nothing was migrated here yet, so"
                    + " there is no reference to compare with"));
        }
        String version = history.get().schemaVersion();
        Optional<SchemaReference.Stored> stored = reference.read(connection);
        if (stored.isEmpty()) {
            return new Result(version, DriftReport.noReference(NO_REFERENCE));
        }
        SchemaReference.Stored taken = stored.get();
        if (!taken.historyFingerprint().equals(history.get().fingerprint())) {
            return new Result(version, DriftReport.noReference("the schema history changed since the reference was"
                    + " taken at version " + taken.schemaVersion() + " (migrations applied or repaired by something"
                    + " other than this function?); no comparison until the next migrate (or repair) retakes it"));
        }
        int major = postgresMajor(connection);
        if (major != taken.postgresMajor()) {
            return new Result(version, DriftReport.noReference("the reference was taken on PostgreSQL "
                    + taken.postgresMajor() + " and the database now runs " + major + ", which prints definitions"
                    + " differently; run repair to retake it after checking the upgrade"));
        }
        List<Difference> differences = taken.snapshot().differencesTo(reference.snapshot(connection));
        return new Result(version, new DriftReport(!differences.isEmpty(), differences, null, taken.schemaVersion(),
                taken.takenAt()));
    }

    /**
     * @param schemaVersion the database's schema version, null without a history
     * @param report        the comparison
     */
    public record Result(String schemaVersion, DriftReport report) {
    }

    private static int postgresMajor(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT current_setting('server_version_num')::integer / 10000")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
