package io.skylift.migrator.plan;

import io.skylift.lint.Finding;
import io.skylift.lint.Linter;
import java.io.IOException;
import io.skylift.migrator.failure.ConfigurationException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Lints the migrations of the function's folders (no database, no secret). */
public final class MigrationLint {
    private final Linter linter = new Linter();

    /**
     * The findings of every {@code .sql} file under {@code folders}; scripts are named relative to their folder, as
     * Flyway names them.
     */
    public List<Finding> lint(List<Path> folders) {
        List<Finding> findings = new ArrayList<>();
        for (Path folder : folders) {
            try {
                findings.addAll(linter.lintDirectory(folder).findings());
            } catch (IOException e) {
                throw new ConfigurationException("Cannot lint the migrations location " + folder + ": " + e.getMessage()
                        + " (check FLYWAY_LOCATIONS, or the image's migrations folder)");
            }
        }
        return List.copyOf(findings);
    }
}
