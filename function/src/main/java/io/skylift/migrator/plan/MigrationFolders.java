package io.skylift.migrator.plan;

import io.skylift.migrator.failure.ConfigurationException;
import io.skylift.migrator.config.Settings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The folders the function's Flyway locations name, for linting: {@code filesystem:} locations only. */
public final class MigrationFolders {
    private static final String FILESYSTEM = "filesystem:";

    private MigrationFolders() {
    }

    /**
     * {@code FLYWAY_LOCATIONS} when set, else the image's folder.
     *
     * @throws ConfigurationException when a location is not a plain {@code filesystem:} folder
     */
    public static List<Path> of(Settings settings) {
        String locations = settings.flywayEnvironment().getOrDefault("FLYWAY_LOCATIONS", settings.defaultLocation());
        List<Path> folders = new ArrayList<>();
        for (String raw : locations == null ? new String[0] : locations.split(",")) {
            String location = raw.strip();
            if (location.isEmpty()) {
                continue;
            }
            if (location.contains(":") && !location.startsWith(FILESYSTEM)) {
                throw new ConfigurationException("Location '" + location + "' cannot be linted: lint and plan read"
                        + " filesystem: locations only (set FLYWAY_LOCATIONS to filesystem:<folder>)");
            }
            if (location.contains("*") || location.contains("?")) {
                throw new ConfigurationException("Location '" + location + "' has a wildcard: lint and plan need"
                        + " plain folders in FLYWAY_LOCATIONS");
            }
            folders.add(Path.of(location.startsWith(FILESYSTEM) ? location.substring(FILESYSTEM.length()) : location));
        }
        if (folders.isEmpty()) {
            throw new ConfigurationException("No migrations location to lint: set FLYWAY_LOCATIONS");
        }
        return List.copyOf(folders);
    }
}
