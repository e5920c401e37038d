package io.skylift.lint.rules;

import io.skylift.lint.Severity;
import io.skylift.lint.Statement;

/** {@code ALTER TABLE … RENAME [COLUMN] a TO b}: the application version still running names the old column. */
final class RenameColumnRule extends AlterTableRule {

    RenameColumnRule() {
        super("rename-column", Severity.ERROR,
                "RENAME of a column breaks the application version still running during the deploy");
    }

    @Override
    String check(Statement action, String table) {
        if (!action.startsWith("RENAME") || action.matches(1, "TO") || action.matches(1, "CONSTRAINT")) {
            return null;
        }
        Statement.QualifiedName column = action.nameAt(action.matches(1, "COLUMN") ? 2 : 1);
        if (column == null) {
            return null;
        }
        return "Renaming column " + table + "." + column.name() + " breaks the application version still running"
                + " during the deploy: its queries name the old column. Add the new column, write both, backfill,"
                + " switch reads, then drop the old column in a later release.";
    }
}
