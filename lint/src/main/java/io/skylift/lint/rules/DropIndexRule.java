package io.skylift.lint.rules;

import io.skylift.lint.Script;
import io.skylift.lint.Severity;
import io.skylift.lint.Statement;
import java.util.ArrayList;
import java.util.List;

/** {@code DROP INDEX} without {@code CONCURRENTLY}, of an index the script did not create. */
final class DropIndexRule extends StatementRule {

    DropIndexRule() {
        super("drop-index-non-concurrent", Severity.ERROR,
                "DROP INDEX without CONCURRENTLY locks the index's table against every query until the migration ends");
    }

    @Override
    List<String> check(Script script, int index, Statement statement) {
        if (!statement.startsWith("DROP", "INDEX") || statement.matches(2, "CONCURRENTLY")) {
            return List.of();
        }
        int i = statement.matches(2, "IF", "EXISTS") ? 4 : 2;
        List<String> dropped = new ArrayList<>();
        for (Statement.QualifiedName name = statement.nameAt(i); name != null; name = next(statement, name)) {
            if (!createdBefore(script, index, name.simpleName())) {
                dropped.add(name.name());
            }
        }
        if (dropped.isEmpty()) {
            return List.of();
        }
        return List.of("DROP INDEX " + String.join(", ", dropped) + " takes an ACCESS EXCLUSIVE lock on the index's"
                + " table: it waits for every running query on the table, every later query waits behind it, and"
                + " the lock is held until the migration commits. Use DROP INDEX CONCURRENTLY (one index), alone in a"
                + " migration of its own (Flyway then runs it outside a transaction).");
    }

    /** True when a statement before {@code index} created the index {@code name}. */
    private static boolean createdBefore(Script script, int index, String name) {
        for (int i = 0; i < index; i++) {
            Statement statement = script.statements().get(i);
            int at = CreateIndexRule.indexKeyword(statement);
            if (at < 0) {
                continue;
            }
            at++;
            if (statement.matches(at, "CONCURRENTLY")) {
                at++;
            }
            if (statement.matches(at, "IF", "NOT", "EXISTS")) {
                at += 3;
            }
            Statement.QualifiedName created = statement.nameAt(at);
            if (created != null && !statement.matches(at, "ON") && created.simpleName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static Statement.QualifiedName next(Statement statement, Statement.QualifiedName name) {
        int i = name.next();
        return i < statement.size() && statement.token(i).value().equals(",") ? statement.nameAt(i + 1) : null;
    }
}
