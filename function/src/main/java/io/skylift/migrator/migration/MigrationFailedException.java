package io.skylift.migrator.migration;

import java.util.List;

/**
 * A command failed. The message names the migration (version and script) and the database's error, and says
 * what to do; it holds no secret. {@link #appliedBeforeFailure()} lists what this run did apply before failing.
 */
public final class MigrationFailedException extends RuntimeException {
    private final transient List<MigrationSummary> appliedBeforeFailure;

    public MigrationFailedException(String message, List<MigrationSummary> appliedBeforeFailure) {
        super(message);
        this.appliedBeforeFailure = List.copyOf(appliedBeforeFailure);
    }

    public List<MigrationSummary> appliedBeforeFailure() {
        return appliedBeforeFailure;
    }
}
