package io.skylift.lint.rules;

import io.skylift.lint.Severity;
import io.skylift.lint.Statement;

/** {@code ADD UNIQUE} or {@code ADD PRIMARY KEY} without {@code USING INDEX} on an existing table. */
final class UniqueUsingIndexRule extends AlterTableRule {

    UniqueUsingIndexRule() {
        super("unique-without-using-index", Severity.ERROR,
                "ADD UNIQUE or PRIMARY KEY without USING INDEX builds its index under an ACCESS EXCLUSIVE lock");
    }

    @Override
    String check(Statement action, String table) {
        int kind = AlterTable.tableConstraintStart(action);
        int after;
        String what;
        if (kind >= 0 && action.matches(kind, "UNIQUE")) {
            after = kind + 1;
            what = "UNIQUE";
        } else if (kind >= 0 && action.matches(kind, "PRIMARY", "KEY")) {
            after = kind + 2;
            what = "PRIMARY KEY";
        } else {
            return null;
        }
        if (action.matches(after, "USING", "INDEX") && !action.matches(after + 2, "TABLESPACE")) {
            return null;
        }
        return "ADD " + what + " on " + table + " builds its index under an ACCESS EXCLUSIVE lock: reads and writes"
                + " wait until it is built. Build the index first with CREATE UNIQUE INDEX CONCURRENTLY (in a migration"
                + " of its own), then ADD CONSTRAINT <name> " + what + " USING INDEX <index> (instant).";
    }
}
