package io.skylift.migrator.migration;

import io.skylift.lint.Finding;
import io.skylift.migrator.invocation.Command;
import io.skylift.migrator.plan.MigrationLint;
import io.skylift.migrator.plan.PlaceholderUse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.api.output.ValidateResult;

/**
 * {@code plan}: what {@code migrate} would do, from Flyway's own {@code info} and {@code validate} (which only read)
 * over a read-only session: the current version, the pending migrations with Flyway's checksums, applied migrations
 * that validation rejects, failed history rows, and the lint findings of the pending migrations, with a warning for
 * each placeholder they use that this function has no value for. Flyway runs with no callback and no placeholder
 * replacement ({@code MigrationRunner}): nothing of the migrations executes, and no checksum covers a secret.
 */
final class Planner {
    /** Validation errors that only say "pending" or "failed", which the plan reports in lists of their own. */
    private static final Set<String> NOT_A_CHANGE = Set.of("RESOLVED_VERSIONED_MIGRATION_NOT_APPLIED",
            "RESOLVED_REPEATABLE_MIGRATION_NOT_APPLIED", "OUTDATED_REPEATABLE_MIGRATION", "FAILED_VERSIONED_MIGRATION",
            "FAILED_REPEATABLE_MIGRATION", "FAILED_BASELINE_MIGRATION");

    private Planner() {
    }

    /**
     * @param flyway  configured on a read-only data source
     * @param folders the folders holding the migrations Flyway resolves, for the lint findings
     */
    static MigrationReport plan(Flyway flyway, List<Path> folders) {
        MigrationInfoService info = flyway.info();
        MigrationInfo current = info.current();
        String version = current == null || current.getVersion() == null ? null : current.getVersion().getVersion();
        List<MigrationInfo> all = Arrays.asList(info.all());
        List<MigrationInfo> pendingInfos = Arrays.asList(info.pending());

        List<MigrationSummary> applied = all.stream().filter(MigrationInfo::isApplied).map(MigrationSummary::of)
                .toList();
        List<MigrationSummary> pending = pendingInfos.stream()
                .map(m -> MigrationSummary.of(m).withChecksum(m.getChecksum())).toList();
        List<MigrationSummary> failed = all.stream()
                .filter(m -> m.getState() != null && m.getState().isFailed()).map(MigrationSummary::of).toList();

        Set<String> pendingKeys = new HashSet<>();
        Set<String> pendingScripts = new HashSet<>();
        for (MigrationInfo m : pendingInfos) {
            pendingKeys.add(key(m.getVersion() == null ? null : m.getVersion().getVersion(), m.getDescription()));
            pendingScripts.add(m.getScript());
        }
        ValidateResult validation = flyway.validateWithResult();
        List<ChangedMigration> changed = new ArrayList<>();
        if (validation.invalidMigrations != null) {
            for (ValidateOutput output : validation.invalidMigrations) {
                String code = output.errorDetails == null ? "VALIDATE_ERROR" : String.valueOf(output.errorDetails.errorCode);
                if (NOT_A_CHANGE.contains(code) || pendingKeys.contains(key(blankToNull(output.version), output.description))) {
                    continue;
                }
                changed.add(new ChangedMigration(blankToNull(output.version), script(all, output), code,
                        output.errorDetails == null ? null : output.errorDetails.errorMessage));
            }
        }

        PlaceholderUse placeholders = new PlaceholderUse(flyway.getConfiguration().getPlaceholderPrefix(),
                flyway.getConfiguration().getPlaceholderSuffix(), flyway.getConfiguration().getPlaceholders().keySet());
        List<Finding> findings = new ArrayList<>(new MigrationLint().lint(folders).stream()
                .filter(f -> pendingScripts.contains(f.script())).toList());
        findings.addAll(placeholders.unknown(folders, pendingScripts));
        Review review = new Review(changed, failed, findings);
        boolean success = changed.isEmpty() && failed.isEmpty() && !review.hasErrorFindings();
        List<String> messages = new ArrayList<>();
        messages.add(pending.isEmpty() ? "nothing to migrate" : pending.size() + " migration(s) would be applied");
        for (MigrationInfo m : pendingInfos) {
            if (m.getVersion() == null && folders.stream().anyMatch(f -> Files.isRegularFile(f.resolve(m.getScript()))
                    && !placeholders.names(f, m.getScript()).isEmpty())) {
                messages.add(m.getScript() + " uses placeholders: plan checksums its text without their values (they"
                        + " may be secret), so it is listed as pending; migrate re-applies it only if its text or"
                        + " their values changed");
            }
        }
        if (!changed.isEmpty()) {
            messages.add("migrate would fail validation: " + changed.size() + " applied migration(s) changed");
        }
        if (!failed.isEmpty()) {
            messages.add("the schema history holds " + failed.size() + " failed migration(s): repair before migrate");
        }
        return MigrationReport.builder(Command.PLAN.wireName()).success(success).previousSchemaVersion(version)
                .schemaVersion(version).applied(applied).pending(pending).messages(messages).review(review).build();
    }

    private static String key(String version, String description) {
        return version != null ? "V" + version : "R" + description;
    }

    private static String script(List<MigrationInfo> all, ValidateOutput output) {
        String version = blankToNull(output.version);
        for (MigrationInfo m : all) {
            String v = m.getVersion() == null ? null : m.getVersion().getVersion();
            if (version != null ? version.equals(v) : v == null && m.getDescription().equals(output.description)) {
                return m.getScript();
            }
        }
        String path = output.filepath;
        return path == null || path.isBlank() ? null : Path.of(path).getFileName().toString();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
