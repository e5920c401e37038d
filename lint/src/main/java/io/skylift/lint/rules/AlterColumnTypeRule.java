package io.skylift.lint.rules;

import io.skylift.lint.Severity;
import io.skylift.lint.Statement;

/** {@code ALTER COLUMN … TYPE} on an existing table. */
final class AlterColumnTypeRule extends AlterTableRule {

    AlterColumnTypeRule() {
        super("alter-column-type", Severity.ERROR,
                "ALTER COLUMN ... TYPE rewrites the table and its indexes under an ACCESS EXCLUSIVE lock");
    }

    @Override
    String check(Statement action, String table) {
        int column = alteredColumn(action);
        if (column < 0) {
            return null;
        }
        int i = action.nameAt(column).next();
        if (action.matches(i, "SET", "DATA")) {
            i += 2;
        }
        if (!action.matches(i, "TYPE")) {
            return null;
        }
        return "ALTER COLUMN " + action.nameAt(column).name() + " TYPE rewrites " + table + " and its indexes under an"
                + " ACCESS EXCLUSIVE lock: its reads and writes wait until it ends. Add a column of the new type, write"
                + " both, backfill in batches, switch reads, then drop the old column. A binary-compatible change"
                + " (varchar(n) to text or to a larger n) does not rewrite: accept it with"
                + " -- skylift:allow alter-column-type <reason>.";
    }

    /** For {@code ALTER [COLUMN] name …}: the index of the name; else -1. */
    static int alteredColumn(Statement action) {
        if (!action.startsWith("ALTER")) {
            return -1;
        }
        int i = action.matches(1, "COLUMN") ? 2 : 1;
        return i < action.size() && action.token(i).isName() && !action.matches(i, "CONSTRAINT") ? i : -1;
    }
}
