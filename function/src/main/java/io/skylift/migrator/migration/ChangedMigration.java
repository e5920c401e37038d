package io.skylift.migrator.migration;

import io.skylift.migrator.json.JsonWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An applied migration that Flyway's validation rejects: its file changed, was renamed or removed, or it was not
 * applied in order. {@code migrate} would fail on it.
 *
 * @param version null for a repeatable migration
 * @param script  the script as Flyway names it
 * @param error   Flyway's error code, e.g. {@code CHECKSUM_MISMATCH}
 * @param message Flyway's message
 */
public record ChangedMigration(String version, String script, String error, String message)
        implements JsonWriter.JsonWritable {

    @Override
    public Map<String, Object> toJsonValue() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", version);
        json.put("script", script);
        json.put("error", error);
        json.put("message", message);
        return json;
    }
}
