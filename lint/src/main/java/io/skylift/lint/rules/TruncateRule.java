package io.skylift.lint.rules;

import io.skylift.lint.Script;
import io.skylift.lint.Severity;
import io.skylift.lint.Statement;
import java.util.List;

/** {@code TRUNCATE} of a table the script did not create. */
final class TruncateRule extends StatementRule {

    TruncateRule() {
        super("truncate", Severity.WARNING, "TRUNCATE deletes every row under an ACCESS EXCLUSIVE lock");
    }

    @Override
    List<String> check(Script script, int index, Statement statement) {
        if (!statement.startsWith("TRUNCATE")) {
            return List.of();
        }
        int i = 1;
        if (statement.matches(i, "TABLE")) {
            i++;
        }
        if (statement.matches(i, "ONLY")) {
            i++;
        }
        Statement.QualifiedName table = statement.nameAt(i);
        if (table == null || script.createdBefore(index, table)) {
            return List.of();
        }
        return List.of("TRUNCATE " + table.name() + " deletes every row for good, under an ACCESS EXCLUSIVE lock."
                + " If the data must go, say why with -- skylift:allow truncate <reason>; to clear a large table"
                + " without blocking, delete in batches.");
    }
}
