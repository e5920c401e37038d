package io.skylift.migrator.local;

import io.skylift.lint.Finding;
import io.skylift.migrator.migration.ChangedMigration;
import io.skylift.migrator.migration.MigrationReport;
import io.skylift.migrator.migration.MigrationSummary;

/** A plan as an operator reads it; the pipeline's plan step prints the same layout from the JSON. */
final class PlanText {

    private PlanText() {
    }

    static String render(MigrationReport plan) {
        StringBuilder out = new StringBuilder();
        out.append("Schema version now: ").append(plan.schemaVersion() == null ? "none" : plan.schemaVersion())
                .append('\n');
        out.append("Pending (").append(plan.pending().size()).append("):\n");
        for (MigrationSummary m : plan.pending()) {
            out.append("  ").append(m.version() == null ? "R" : m.version()).append("  ").append(m.script())
                    .append("  checksum ").append(m.checksum()).append('\n');
        }
        out.append("Changed since applied (").append(plan.review().changed().size()).append("):\n");
        for (ChangedMigration c : plan.review().changed()) {
            out.append("  ").append(c.version() == null ? "R" : c.version()).append("  ").append(c.script())
                    .append("  ").append(c.error()).append('\n');
        }
        out.append("Failed (").append(plan.review().failed().size()).append("):\n");
        for (MigrationSummary m : plan.review().failed()) {
            out.append("  ").append(m.version() == null ? "R" : m.version()).append("  ").append(m.script())
                    .append('\n');
        }
        out.append("Findings (").append(plan.review().findings().size()).append("):\n");
        for (Finding f : plan.review().findings()) {
            out.append("  ").append(f.describe()).append('\n');
        }
        out.append(plan.success() ? "Plan: OK\n" : "Plan: PROBLEMS (see above)\n");
        return out.toString();
    }
}
