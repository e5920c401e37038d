package io.skylift.lint.rules;

import io.skylift.lint.Severity;
import io.skylift.lint.Statement;

/** {@code ALTER COLUMN … DROP NOT NULL} on an existing table: the running application may not expect NULLs. */
final class DropNotNullRule extends AlterTableRule {

    DropNotNullRule() {
        super("drop-not-null", Severity.WARNING,
                "DROP NOT NULL lets NULLs reach the application version still running, which may not expect them");
    }

    @Override
    String check(Statement action, String table) {
        int column = AlterColumnTypeRule.alteredColumn(action);
        if (column < 0 || !action.matches(action.nameAt(column).next(), "DROP", "NOT", "NULL")) {
            return null;
        }
        String name = action.nameAt(column).name();
        return "DROP NOT NULL on " + table + "." + name + " is instant, but once the new release writes NULLs there,"
                + " the application version still running during the deploy (and every reader that assumed " + name
                + " is never null) may fail on them. Make sure every running version handles NULL in " + name
                + " first; accept it then with -- skylift:allow drop-not-null <reason>.";
    }
}
