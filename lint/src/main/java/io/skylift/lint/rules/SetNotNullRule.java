package io.skylift.lint.rules;

import io.skylift.lint.Severity;
import io.skylift.lint.Statement;

/** {@code ALTER COLUMN … SET NOT NULL} on an existing table. */
final class SetNotNullRule extends AlterTableRule {

    SetNotNullRule() {
        super("set-not-null", Severity.ERROR,
                "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock");
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
                + " IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT it in a later migration (writes go on), then SET NOT"
                + " NULL (PostgreSQL 12+ uses the valid constraint and skips the scan) with"
                + " -- skylift:allow set-not-null <reason>.";
    }
}
