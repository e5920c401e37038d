package io.skylift.lint.rules;

import io.skylift.lint.Script;
import io.skylift.lint.Severity;
import io.skylift.lint.Statement;
import java.util.List;

/** {@code TRUNCATE … CASCADE}: empties tables the statement does not name. */
final class TruncateCascadeRule extends StatementRule {

    TruncateCascadeRule() {
        super("truncate-cascade", Severity.ERROR,
                "TRUNCATE ... CASCADE also empties every table that references the named ones");
    }

    @Override
    List<String> check(Script script, int index, Statement statement) {
        if (!statement.startsWith("TRUNCATE") || statement.indexOf("CASCADE", 1) < 0) {
            return List.of();
        }
        List<String> tables = TruncateRule.tables(statement).stream().map(Statement.QualifiedName::name).toList();
        return List.of("TRUNCATE " + String.join(", ", tables) + " CASCADE also empties, for good, every table with a"
                + " foreign key to " + (tables.size() == 1 ? "it" : "them") + " (and every table referencing those),"
                + " tables this statement does not name, each under an ACCESS EXCLUSIVE lock. Name every table you"
                + " mean to empty, without CASCADE.");
    }
}
