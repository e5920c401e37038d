package io.skylift.migrator.migration;

import io.skylift.migrator.failure.CauseChain;
import java.io.Reader;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.internal.configuration.ConfigUtils;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.flywaydb.core.internal.info.MigrationInfoImpl;
import org.flywaydb.core.internal.parser.PlaceholderReplacingReader;

/**
 * The only place that touches Flyway's {@code internal} packages, which may change in any Flyway release: an
 * upgrade that breaks one of these breaks here, and nowhere else.
 */
final class FlywayInternals {
    private FlywayInternals() {
    }

    /**
     * A migration that failed while Flyway ran it.
     *
     * @param migration     the failing migration, null when Flyway does not say
     * @param inTransaction whether it ran in a transaction (PostgreSQL rolled it back), or outside one
     * @param lineNumber    the failing statement's line, 0 when unknown
     * @param partial       what that migrate run had applied before the failure; null when unknown
     */
    record FailedMigration(MigrationInfo migration, boolean inTransaction, int lineNumber, MigrateResult partial) {
    }

    /** Flyway's property names for {@code FLYWAY_*} environment variables, as Flyway's command line maps them. */
    static Map<String, String> propertiesFromEnvironment(Map<String, String> environment) {
        return ConfigUtils.environmentVariablesToPropertyMap(environment);
    }

    /** The failed migration in {@code failure}'s cause chain, if a migration failed. */
    static Optional<FailedMigration> failedMigration(Throwable failure) {
        return CauseChain.first(failure, FlywayMigrateException.class).map(migrate -> new FailedMigration(
                migrate.getMigration(), migrate.isExecutableInTransaction(), migrate.getLineNumber(),
                migrate.getErrorResult()));
    }

    /** Whether Flyway runs {@code info}'s migration in a transaction; true when it cannot tell. */
    static boolean runsInTransaction(MigrationInfo info) {
        if (info instanceof MigrationInfoImpl impl && impl.getResolvedMigration() != null
                && impl.getResolvedMigration().getExecutor() != null) {
            return impl.getResolvedMigration().getExecutor().canExecuteInTransaction();
        }
        return true;
    }

    /** {@code raw} with Flyway's placeholders ({@code ${name}}) replaced as Flyway replaces them. */
    static Reader replacingPlaceholders(Map<String, String> placeholders, Reader raw) {
        return new PlaceholderReplacingReader("${", "}", ":", placeholders, raw);
    }
}
