package io.skylift.migrator.drift;

import io.skylift.migrator.json.JsonWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code drift} adds to a report.
 *
 * @param drift                  whether the database differs from its reference; false when there is no usable reference
 * @param differences            each difference, in object order; empty without drift
 * @param note                   why there is nothing to compare with (no reference yet, history changed since, another
 *                               PostgreSQL major version), null when the comparison ran
 * @param referenceSchemaVersion the schema version the reference was taken at; null without a reference
 * @param referenceTakenAt       when the reference was taken; null without one
 */
public record DriftReport(boolean drift, List<Difference> differences, String note, String referenceSchemaVersion,
                          Instant referenceTakenAt) implements JsonWriter.JsonWritable {
    public DriftReport {
        differences = List.copyOf(differences);
        if (drift == differences.isEmpty()) {
            throw new IllegalArgumentException("drift is true exactly when there are differences");
        }
    }

    /** No comparison, and why: never a false alarm. */
    public static DriftReport noReference(String note) {
        return new DriftReport(false, List.of(), note, null, null);
    }

    @Override
    public Map<String, Object> toJsonValue() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("drift", drift);
        json.put("differences", differences);
        json.put("note", note);
        Map<String, Object> reference = null;
        if (referenceTakenAt != null) {
            reference = new LinkedHashMap<>();
            reference.put("schemaVersion", referenceSchemaVersion);
            reference.put("takenAt", referenceTakenAt.toString());
        }
        json.put("reference", reference);
        return json;
    }
}
