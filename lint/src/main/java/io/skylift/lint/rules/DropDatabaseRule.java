package io.skylift.lint.rules;

import io.skylift.lint.Script;
import io.skylift.lint.Severity;
import io.skylift.lint.Statement;
import java.util.List;

/** {@code DROP DATABASE}. */
final class DropDatabaseRule extends StatementRule {

    DropDatabaseRule() {
        super("drop-database", Severity.ERROR, "DROP DATABASE deletes a whole database");
    }

    @Override
    List<String> check(Script script, int index, Statement statement) {
        if (!statement.startsWith("DROP", "DATABASE")) {
            return List.of();
        }
        Statement.QualifiedName name = statement.nameAt(statement.matches(2, "IF", "EXISTS") ? 4 : 2);
        return List.of("DROP DATABASE " + (name == null ? "" : name.name() + " ") + "deletes a whole database for good,"
                + " and every session on it fails. A deploy's migration is no place for it: drop it by hand, after a"
                + " snapshot, once nothing uses it.");
    }
}
