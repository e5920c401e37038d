package io.skylift.lint.rules;

import io.skylift.lint.Script;
import io.skylift.lint.Severity;
import io.skylift.lint.Statement;
import io.skylift.lint.Token;
import java.util.ArrayList;
import java.util.List;

/** {@code TRUNCATE} of tables the script did not create. */
final class TruncateRule extends StatementRule {

    TruncateRule() {
        super("truncate", Severity.WARNING, "TRUNCATE deletes every row under an ACCESS EXCLUSIVE lock");
    }

    @Override
    List<String> check(Script script, int index, Statement statement) {
        if (!statement.startsWith("TRUNCATE") || statement.indexOf("CASCADE", 1) > 0) {
            return List.of(); // CASCADE: truncate-cascade says it all
        }
        List<String> existing = tables(statement).stream().filter(table -> !script.createdBefore(index, table))
                .map(Statement.QualifiedName::name).toList();
        if (existing.isEmpty()) {
            return List.of();
        }
        return List.of("TRUNCATE " + String.join(", ", existing) + " deletes every row for good, under an ACCESS"
                + " EXCLUSIVE lock. If the data must go, say why with -- skylift:allow truncate <reason>; to clear a"
                + " large table without blocking, delete in batches.");
    }

    /** The tables of {@code TRUNCATE [TABLE] [ONLY] name [*] [, …]}. */
    static List<Statement.QualifiedName> tables(Statement statement) {
        List<Statement.QualifiedName> tables = new ArrayList<>();
        int i = statement.matches(1, "TABLE") ? 2 : 1;
        while (true) {
            if (statement.matches(i, "ONLY")) {
                i++;
            }
            Statement.QualifiedName table = statement.nameAt(i);
            if (table == null) {
                return tables;
            }
            tables.add(table);
            i = table.next();
            if (i < statement.size() && statement.token(i).value().equals("*")) {
                i++;
            }
            if (i >= statement.size() || statement.token(i).type() != Token.Type.COMMA) {
                return tables;
            }
            i++;
        }
    }
}
