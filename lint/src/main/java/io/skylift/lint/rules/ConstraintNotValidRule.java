package io.skylift.lint.rules;

import io.skylift.lint.Severity;
import io.skylift.lint.Statement;

/** {@code ADD FOREIGN KEY} or {@code ADD CHECK} without {@code NOT VALID} on an existing table. */
final class ConstraintNotValidRule extends AlterTableRule {

    ConstraintNotValidRule() {
        super("constraint-without-not-valid", Severity.ERROR,
                "ADD FOREIGN KEY or CHECK without NOT VALID checks every existing row while blocking writes");
    }

    @Override
    String check(Statement action, String table) {
        int kind = AlterTable.tableConstraintStart(action);
        if (kind < 0 || !(action.matches(kind, "FOREIGN") || action.matches(kind, "CHECK"))) {
            return null;
        }
        for (int i = action.indexOf("NOT", kind); i >= 0; i = action.indexOf("NOT", i + 1)) {
            if (action.matches(i + 1, "VALID")) {
                return null;
            }
        }
        boolean foreignKey = action.matches(kind, "FOREIGN");
        return (foreignKey
                ? "ADD FOREIGN KEY on " + table + " checks every existing row while holding a SHARE ROW EXCLUSIVE lock"
                        + " on it and on the referenced table: writes to both wait until it ends."
                : "ADD CHECK on " + table + " checks every existing row under an ACCESS EXCLUSIVE lock: its reads and"
                        + " writes wait until it ends.")
                + " Add the constraint with NOT VALID (instant; new rows are checked), then ALTER TABLE " + table
                + " VALIDATE CONSTRAINT <name> in a later migration (it does not block writes).";
    }
}
