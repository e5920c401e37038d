package io.skylift.lint.rules;

import io.skylift.lint.Script;
import io.skylift.lint.Severity;
import io.skylift.lint.Statement;
import java.util.List;

/** {@code CREATE INDEX} without {@code CONCURRENTLY} on a table the script did not create. */
final class CreateIndexRule extends StatementRule {

    CreateIndexRule() {
        super("create-index-non-concurrent", Severity.ERROR,
                "CREATE INDEX without CONCURRENTLY on an existing table blocks its writes for the whole build");
    }

    @Override
    List<String> check(Script script, int index, Statement statement) {
        int i = indexKeyword(statement);
        if (i < 0 || statement.matches(i + 1, "CONCURRENTLY")) {
            return List.of();
        }
        int on = statement.indexOf("ON", i);
        if (on < 0) {
            return List.of();
        }
        Statement.QualifiedName table = statement.nameAt(statement.matches(on + 1, "ONLY") ? on + 2 : on + 1);
        if (table == null || script.createdBefore(index, table)) {
            return List.of();
        }
        return List.of("CREATE INDEX on the existing table " + table.name() + " holds a SHARE lock until the index is"
                + " built: every INSERT, UPDATE and DELETE on it waits. Use CREATE INDEX CONCURRENTLY, alone in a"
                + " migration of its own (Flyway then runs it outside a transaction).");
    }

    /** Index of INDEX in {@code CREATE [UNIQUE] INDEX}, or -1. */
    static int indexKeyword(Statement statement) {
        if (statement.startsWith("CREATE", "INDEX")) {
            return 1;
        }
        return statement.startsWith("CREATE", "UNIQUE", "INDEX") ? 2 : -1;
    }
}
