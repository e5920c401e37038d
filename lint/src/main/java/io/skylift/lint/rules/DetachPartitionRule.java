package io.skylift.lint.rules;

import io.skylift.lint.Severity;
import io.skylift.lint.Statement;

/** {@code ALTER TABLE … DETACH PARTITION} without {@code CONCURRENTLY}. */
final class DetachPartitionRule extends AlterTableRule {

    DetachPartitionRule() {
        super("detach-partition-non-concurrent", Severity.ERROR,
                "DETACH PARTITION without CONCURRENTLY locks the partitioned table against every query");
    }

    @Override
    String check(Statement action, String table) {
        if (!action.startsWith("DETACH", "PARTITION") || action.indexOf("CONCURRENTLY", 2) > 0
                || action.indexOf("FINALIZE", 2) > 0) {
            return null;
        }
        Statement.QualifiedName partition = action.nameAt(2);
        return "DETACH PARTITION " + (partition == null ? "" : partition.name() + " ") + "takes an ACCESS EXCLUSIVE lock"
                + " on " + table + ": every query on the partitioned table waits until the migration commits. Use"
                + " DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+, a SHARE UPDATE EXCLUSIVE lock: queries go on)"
                + " in a migration of its own whose .sql.conf says executeInTransaction=false (not possible while the"
                + " table has a DEFAULT partition).";
    }
}
