package io.skylift.lint.rules;

import io.skylift.lint.Severity;
import io.skylift.lint.Statement;

/** {@code ADD COLUMN … NOT NULL} without a default on an existing table. */
final class AddColumnNotNullRule extends AlterTableRule {

    AddColumnNotNullRule() {
        super("add-column-not-null-no-default", Severity.ERROR,
                "ADD COLUMN ... NOT NULL without a DEFAULT on an existing table fails as soon as the table has rows");
    }

    @Override
    String check(Statement action, String table) {
        int column = AlterTable.addedColumnStart(action);
        if (column < 0 || !hasNotNull(action) || action.indexOf("DEFAULT", column) >= 0
                || action.indexOf("GENERATED", column) >= 0) {
            return null;
        }
        String name = action.nameAt(column).name();
        return "ADD COLUMN " + name + " NOT NULL without a DEFAULT fails on " + table + " as soon as it has rows (under"
                + " an ACCESS EXCLUSIVE lock). Give it a constant DEFAULT (PostgreSQL 11+ stores it without rewriting"
                + " the table), or add it nullable, backfill in batches, then ADD CONSTRAINT ... CHECK (" + name
                + " IS NOT NULL) NOT VALID and VALIDATE it in a later migration.";
    }

    static boolean hasNotNull(Statement action) {
        for (int i = action.indexOf("NOT", 0); i >= 0; i = action.indexOf("NOT", i + 1)) {
            if (action.matches(i + 1, "NULL")) {
                return true;
            }
        }
        return false;
    }
}
