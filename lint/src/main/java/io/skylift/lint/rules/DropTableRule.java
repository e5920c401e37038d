package io.skylift.lint.rules;

import io.skylift.lint.Script;
import io.skylift.lint.Severity;
import io.skylift.lint.Statement;
import java.util.ArrayList;
import java.util.List;

/** {@code DROP TABLE} of a table the script did not create. */
final class DropTableRule extends StatementRule {

    DropTableRule() {
        super("drop-table", Severity.WARNING,
                "DROP TABLE deletes data the running application version may still use");
    }

    @Override
    List<String> check(Script script, int index, Statement statement) {
        if (!statement.startsWith("DROP", "TABLE")) {
            return List.of();
        }
        int i = statement.matches(2, "IF", "EXISTS") ? 4 : 2;
        List<String> dropped = new ArrayList<>();
        for (Statement.QualifiedName name = statement.nameAt(i); name != null; name = next(statement, name)) {
            if (!script.createdBefore(index, name)) {
                dropped.add(name.name());
            }
        }
        if (dropped.isEmpty()) {
            return List.of();
        }
        return List.of("DROP TABLE " + String.join(", ", dropped) + " deletes its data for good, and the application"
                + " version still running during the deploy fails on queries that name it. Stop using the table in one"
                + " release, drop it in a later one (with a snapshot if the data may be needed).");
    }

    private static Statement.QualifiedName next(Statement statement, Statement.QualifiedName name) {
        int i = name.next();
        return i < statement.size() && statement.token(i).value().equals(",") ? statement.nameAt(i + 1) : null;
    }
}
