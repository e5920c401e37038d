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

    /** A report of {@code command}, whose every other component is named as it is set. */
    public static Builder builder(String command) {
        return new Builder(command);
    }

    /**
     * Sets the components by name. Defaults: {@code success} true, versions null, {@code migrationsApplied} 0, empty
     * lists, {@code durationMs} 0, no review, no drift comparison.
     */
    public static final class Builder {
        private final String command;
        private boolean success = true;
        private String schemaVersion;
        private String previousSchemaVersion;
        private int migrationsApplied;
        private List<MigrationSummary> applied = List.of();
        private List<MigrationSummary> pending = List.of();
        private List<String> messages = List.of();
        private long durationMs;
        private Review review;
        private DriftReport drift;

        private Builder(String command) {
            this.command = Objects.requireNonNull(command, "command must not be null");
        }

        public Builder success(boolean value) {
            success = value;
            return this;
        }

        public Builder schemaVersion(String value) {
            schemaVersion = value;
            return this;
        }

        public Builder previousSchemaVersion(String value) {
            previousSchemaVersion = value;
            return this;
        }

        public Builder migrationsApplied(int value) {
            migrationsApplied = value;
            return this;
        }

        public Builder applied(List<MigrationSummary> value) {
            applied = value;
            return this;
        }

        public Builder pending(List<MigrationSummary> value) {
            pending = value;
            return this;
        }

        public Builder messages(List<String> value) {
            messages = value;
            return this;
        }

        public Builder durationMs(long value) {
            durationMs = value;
            return this;
        }

        public Builder review(Review value) {
            review = value;
            return this;
        }

        public Builder drift(DriftReport value) {
            drift = value;
            return this;
        }

        public MigrationReport build() {
            return new MigrationReport(command, success, schemaVersion, previousSchemaVersion, migrationsApplied,
                    applied, pending, messages, durationMs, review, drift);
        }
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
