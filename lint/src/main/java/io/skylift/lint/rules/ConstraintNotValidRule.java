package io.skylift.lint.rules;

import io.skylift.lint.Severity;
import io.skylift.lint.Statement;

/**
 * {@code ADD FOREIGN KEY} or {@code ADD CHECK} without {@code NOT VALID} on an existing table, also written inline in an
 * {@code ADD COLUMN} ({@code REFERENCES}, {@code CHECK}), where {@code NOT VALID} cannot be said.
 */
final class ConstraintNotValidRule extends AlterTableRule {

    ConstraintNotValidRule() {
        super("constraint-without-not-valid", Severity.ERROR,
                "ADD FOREIGN KEY or CHECK without NOT VALID checks every existing row while blocking writes");
    }

    @Override
    String check(Statement action, String table) {
        int kind = AlterTable.tableConstraintStart(action);
        if (kind < 0) {
            return inline(action, table);
        }
        if (!(action.matches(kind, "FOREIGN") || action.matches(kind, "CHECK"))) {
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

    private static String inline(Statement action, String table) {
        int references = AlterTable.inlineConstraint(action, "REFERENCES");
        boolean check = AlterTable.inlineConstraint(action, "CHECK") >= 0;
        if (references < 0 && !check) {
            return null;
        }
        String column = action.nameAt(AlterTable.addedColumnStart(action)).name();
        if (references >= 0) {
            Statement.QualifiedName referenced = action.nameAt(references + 1);
            String target = referenced == null ? "the referenced table" : referenced.name();
            return "ADD COLUMN " + column + " ... REFERENCES " + target + " checks every row of " + table + " under"
                    + " the ALTER's ACCESS EXCLUSIVE lock, and locks " + target + " (SHARE ROW EXCLUSIVE: its writes"
                    + " wait) until the migration commits; an inline REFERENCES cannot be NOT VALID. Add the column"
                    + " without it, then ALTER TABLE " + table + " ADD CONSTRAINT <name> FOREIGN KEY (" + column
                    + ") REFERENCES " + target + " NOT VALID, and VALIDATE CONSTRAINT it in a later migration.";
        }
        return "ADD COLUMN " + column + " ... CHECK checks every row of " + table + " under the ALTER's ACCESS EXCLUSIVE"
                + " lock: its reads and writes wait until it ends; an inline CHECK cannot be NOT VALID. Add the column"
                + " without it, then ALTER TABLE " + table + " ADD CONSTRAINT <name> CHECK (...) NOT VALID, and"
                + " VALIDATE CONSTRAINT it in a later migration.";
    }
}
