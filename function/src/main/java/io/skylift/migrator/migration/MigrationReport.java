package io.skylift.migrator.migration;

import io.skylift.migrator.drift.DriftReport;
import io.skylift.migrator.failure.MigrationFailedException;
import io.skylift.migrator.json.JsonWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of one command, as direct callers receive it (JSON) and as the log and CloudFormation answer use it.
 *
 * @param command               {@code migrate}, {@code info}, …
 * @param success               true: a failure is reported by {@link MigrationFailedException}, not by this flag,
 *                              except for {@code validate}, which reports invalid migrations here too
 * @param schemaVersion         the database's version afterwards, null when it has none
 * @param previousSchemaVersion the version before the command, null when it had none or was not measured
 * @param migrationsApplied     how many migrations this command applied (0 except for {@code migrate})
 * @param applied               {@code migrate}: the migrations it applied; other commands: the whole history
 * @param pending               migrations in the image not yet applied
 * @param messages              notes worth showing: repair actions, warnings
 * @param durationMs            wall time of the command
 * @param review                {@code plan} and {@code lint}: problems and lint findings; null for other commands
 * @param drift                 {@code drift}: the comparison with the reference; null for other commands
 */
public record MigrationReport(String command, boolean success, String schemaVersion, String previousSchemaVersion,
                              int migrationsApplied, List<MigrationSummary> applied, List<MigrationSummary> pending,
                              List<String> messages, long durationMs, Review review, DriftReport drift)
        implements JsonWriter.JsonWritable {
    public MigrationReport {
        Objects.requireNonNull(command, "command must not be null");
        applied = List.copyOf(applied);
        pending = List.copyOf(pending);
        messages = List.copyOf(messages);
    }

    /** A report without a drift comparison (every command but {@code drift}). */
    public MigrationReport(String command, boolean success, String schemaVersion, String previousSchemaVersion,
                           int migrationsApplied, List<MigrationSummary> applied, List<MigrationSummary> pending,
                           List<String> messages, long durationMs, Review review) {
        this(command, success, schemaVersion, previousSchemaVersion, migrationsApplied, applied, pending, messages,
                durationMs, review, null);
    }

    /** A report without a review (every command but {@code plan} and {@code lint}). */
    public MigrationReport(String command, boolean success, String schemaVersion, String previousSchemaVersion,
                           int migrationsApplied, List<MigrationSummary> applied, List<MigrationSummary> pending,
                           List<String> messages, long durationMs) {
        this(command, success, schemaVersion, previousSchemaVersion, migrationsApplied, applied, pending, messages,
                durationMs, null, null);
    }

    /** The JSON a direct caller receives: every component, in order, nulls included. */
    @Override
    public Map<String, Object> toJsonValue() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", command);
        json.put("success", success);
        json.put("schemaVersion", schemaVersion);
        json.put("previousSchemaVersion", previousSchemaVersion);
        json.put("migrationsApplied", migrationsApplied);
        json.put("applied", applied);
        json.put("pending", pending);
        json.put("messages", messages);
        if (review != null) {
            json.putAll(review.toJsonValue());
        }
        if (drift != null) {
            json.putAll(drift.toJsonValue());
        }
        json.put("durationMs", durationMs);
        return json;
    }

    public MigrationReport withMessages(List<String> newMessages) {
        return new MigrationReport(command, success, schemaVersion, previousSchemaVersion, migrationsApplied,
                applied, pending, newMessages, durationMs, review, drift);
    }

    public MigrationReport withDuration(long millis) {
        return new MigrationReport(command, success, schemaVersion, previousSchemaVersion, migrationsApplied,
                applied, pending, messages, millis, review, drift);
    }
}
