package io.skylift.lint.rules;

import io.skylift.lint.Severity;
import io.skylift.lint.Statement;

/** {@code DROP COLUMN} of an existing table: destructive, and the running application may still use it. */
final class DropColumnRule extends AlterTableRule {

    DropColumnRule() {
        super("drop-column", Severity.WARNING,
                "DROP COLUMN deletes data the running application version may still read or write");
    }

    @Override
    String check(Statement action, String table) {
        if (!action.startsWith("DROP") || action.matches(1, "CONSTRAINT")) {
            return null;
        }
        int i = action.matches(1, "COLUMN") ? 2 : 1;
        if (action.matches(i, "IF", "EXISTS")) {
            i += 2;
        }
        Statement.QualifiedName column = action.nameAt(i);
        if (column == null) {
            return null;
        }
        return "DROP COLUMN " + column.name() + " deletes its data in " + table + ", and the application version still"
                + " running during the deploy fails on queries that name it. Stop using the column in one release,"
                + " drop it in a later one.";
    }
}
