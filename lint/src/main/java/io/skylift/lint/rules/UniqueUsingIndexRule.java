package io.skylift.lint.rules;

import io.skylift.lint.Severity;
import io.skylift.lint.Statement;

/**
 * {@code ADD UNIQUE} or {@code ADD PRIMARY KEY} without {@code USING INDEX} on an existing table, also written inline in
 * an {@code ADD COLUMN}.
 */
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
            return inline(action, table);
        }
        if (action.matches(after, "USING", "INDEX") && !action.matches(after + 2, "TABLESPACE")) {
            return null;
        }
        return "ADD " + what + " on " + table + " builds its index under an ACCESS EXCLUSIVE lock: reads and writes"
                + " wait until it is built. Build the index first with CREATE UNIQUE INDEX CONCURRENTLY (in a migration"
                + " of its own), then ADD CONSTRAINT <name> " + what + " USING INDEX <index> (instant).";
    }

    private static String inline(Statement action, String table) {
        boolean unique = AlterTable.inlineConstraint(action, "UNIQUE") >= 0;
        int primary = AlterTable.inlineConstraint(action, "PRIMARY");
        if (!unique && !(primary >= 0 && action.matches(primary + 1, "KEY"))) {
            return null;
        }
        String what = unique ? "UNIQUE" : "PRIMARY KEY";
        String column = action.nameAt(AlterTable.addedColumnStart(action)).name();
        return "ADD COLUMN " + column + " ... " + what + " builds a unique index over all of " + table + " under the"
                + " ALTER's ACCESS EXCLUSIVE lock: its reads and writes wait until it is built. Add the column without"
                + " it, build the index with CREATE UNIQUE INDEX CONCURRENTLY (in a migration of its own), then ADD"
                + " CONSTRAINT <name> " + what + " USING INDEX <index> (instant).";
    }
}
