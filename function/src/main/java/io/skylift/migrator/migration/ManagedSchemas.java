package io.skylift.migrator.migration;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The schemas Flyway manages, as its variables configure them: the roles the function keeps are granted on these. */
final class ManagedSchemas {
    private ManagedSchemas() {
    }

    /**
     * {@code FLYWAY_DEFAULT_SCHEMA} first, then {@code FLYWAY_SCHEMAS}, without repeats; empty when neither is set
     * (Flyway then uses the connection's current schema).
     */
    static List<String> configured(Map<String, String> flywayEnvironment) {
        Set<String> schemas = new LinkedHashSet<>();
        String defaultSchema = flywayEnvironment.get("FLYWAY_DEFAULT_SCHEMA");
        if (defaultSchema != null && !defaultSchema.isBlank()) {
            schemas.add(defaultSchema.trim());
        }
        String listed = flywayEnvironment.get("FLYWAY_SCHEMAS");
        if (listed != null) {
            Arrays.stream(listed.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(schemas::add);
        }
        return new ArrayList<>(schemas);
    }
}
