package io.skylift.migrator.migration;

import io.skylift.migrator.json.JsonWriter;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateOutput;

/**
 * One migration as reported to callers: our own value, so Flyway's mutable output classes do not leak.
 *
 * @param version         null for a repeatable migration
 * @param script          the file name, e.g. {@code V2__create_orders.sql}
 * @param type            Flyway's type, e.g. {@code SQL}
 * @param state           Flyway's state, e.g. {@code Success}, {@code Pending}; null when unknown
 * @param executionTimeMs null when not applied
 * @param installedOn     ISO-8601 instant, null when not applied
 * @param checksum        Flyway's checksum of the file; reported by {@code plan} for pending migrations, else null
 */
public record MigrationSummary(String version, String description, String script, String type, String state,
                               Integer executionTimeMs, String installedOn, Integer checksum)
        implements JsonWriter.JsonWritable {

    /** A summary without a checksum. */
    public MigrationSummary(String version, String description, String script, String type, String state,
                            Integer executionTimeMs, String installedOn) {
        this(version, description, script, type, state, executionTimeMs, installedOn, null);
    }

    /** This summary with Flyway's checksum of the file. */
    public MigrationSummary withChecksum(Integer value) {
        return new MigrationSummary(version, description, script, type, state, executionTimeMs, installedOn, value);
    }

    /** Every component, in order, nulls included. */
    @Override
    public Map<String, Object> toJsonValue() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", version);
        json.put("description", description);
        json.put("script", script);
        json.put("type", type);
        json.put("state", state);
        json.put("executionTimeMs", executionTimeMs);
        json.put("installedOn", installedOn);
        json.put("checksum", checksum);
        return json;
    }

    static MigrationSummary of(MigrationInfo info) {
        Date installedOn = info.getInstalledOn();
        return new MigrationSummary(
                info.getVersion() == null ? null : info.getVersion().getVersion(),
                info.getDescription(),
                info.getScript(),
                info.getType() == null ? null : info.getType().name(),
                info.getState() == null ? null : info.getState().getDisplayName(),
                info.getExecutionTime(),
                installedOn == null ? null : installedOn.toInstant().toString());
    }

    static MigrationSummary of(MigrateOutput output, String state) {
        return new MigrationSummary(
                output.version == null || output.version.isEmpty() ? null : output.version,
                output.description,
                fileName(output.filepath),
                output.type,
                state,
                output.executionTime,
                null);
    }

    /** {@code V1} or {@code R} and the script, for messages: {@code V3 (V3__orders.sql)}. */
    public String label() {
        return (version == null ? "repeatable" : "V" + version) + " (" + script + ")";
    }

    private static String fileName(String path) {
        if (path == null) {
            return null;
        }
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return path.substring(slash + 1);
    }
}
