package io.skylift.migrator.drift;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * Where Flyway keeps its schema history, by Flyway's own settings: schema {@code FLYWAY_DEFAULT_SCHEMA}, else the
 * first of {@code FLYWAY_SCHEMAS}, else the connection's current schema; table {@code FLYWAY_TABLE}, default
 * {@value #DEFAULT_TABLE}. The drift reference lives beside it, in the schema Flyway already owns.
 *
 * @param schema the schema, unquoted; null for the connection's current schema
 * @param table  the history table's name, unquoted
 */
public record HistoryTable(String schema, String table) {
    public static final String DEFAULT_TABLE = "flyway_schema_history";

    public HistoryTable {
        Objects.requireNonNull(table, "table must not be null");
    }

    /** From the function's {@code FLYWAY_*} variables. */
    public static HistoryTable fromFlywayEnvironment(Map<String, String> flyway) {
        String schema = blankToNull(flyway.get("FLYWAY_DEFAULT_SCHEMA"));
        if (schema == null && flyway.get("FLYWAY_SCHEMAS") != null) {
            schema = Arrays.stream(flyway.get("FLYWAY_SCHEMAS").split(",")).map(String::strip)
                    .filter(s -> !s.isEmpty()).findFirst().orElse(null);
        }
        String table = blankToNull(flyway.get("FLYWAY_TABLE"));
        return new HistoryTable(schema, table == null ? DEFAULT_TABLE : table);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
