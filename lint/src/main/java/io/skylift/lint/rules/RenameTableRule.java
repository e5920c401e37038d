package io.skylift.lint.rules;

import io.skylift.lint.Severity;
import io.skylift.lint.Statement;

/** {@code ALTER TABLE … RENAME TO}: the application version still running names the old table. */
final class RenameTableRule extends AlterTableRule {

    RenameTableRule() {
        super("rename-table", Severity.ERROR,
                "RENAME of a table breaks the application version still running during the deploy");
    }

    @Override
    String check(Statement action, String table) {
        if (!action.startsWith("RENAME", "TO")) {
            return null;
        }
        return "Renaming table " + table + " breaks the application version still running during the deploy: its"
                + " queries name the old table. Expand and contract instead (create the new table, write both, backfill,"
                + " switch reads, drop the old one later), or keep the old name as a view until no release uses it.";
    }
}
