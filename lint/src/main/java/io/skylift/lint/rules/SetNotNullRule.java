package io.skylift.lint.rules;

import io.skylift.lint.Script;
import io.skylift.lint.Severity;
import io.skylift.lint.Statement;

/**
 * {@code ALTER COLUMN … SET NOT NULL} on an existing table, unless a valid {@code CHECK (column IS NOT NULL)} is known
 * from an earlier migration or an earlier statement (PostgreSQL 12+ then skips the scan).
 */
final class SetNotNullRule extends AlterTableRule {

    SetNotNullRule() {
        super("set-not-null", Severity.ERROR,
                "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock");
    }

    @Override
    String check(Script script, int index, Statement action, String table) {
        String message = check(action, table);
        if (message == null) {
            return null;
        }
        String column = action.nameAt(AlterColumnTypeRule.alteredColumn(action)).name();
        Catalog known = script.earlier().after(script.statements().subList(0, index));
        return known.provesNotNull(table, column) ? null : message;
    }

    @Override
    String check(Statement action, String table) {
        int column = AlterColumnTypeRule.alteredColumn(action);
        if (column < 0 || !action.matches(action.nameAt(column).next(), "SET", "NOT", "NULL")) {
            return null;
        }
        String name = action.nameAt(column).name();
        return "SET NOT NULL on " + table + "." + name + " scans every row under an ACCESS EXCLUSIVE lock: its reads"
                + " and writes wait until it ends. First ADD CONSTRAINT " + name + "_not_null CHECK (" + name
                + " IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT it in a later migration (writes go on), and SET NOT"
                + " NULL after the VALIDATE: PostgreSQL 12+ uses the valid constraint instead of scanning, and lint"
                + " knows it.";
    }
}
