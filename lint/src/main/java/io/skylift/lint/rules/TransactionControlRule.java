package io.skylift.lint.rules;

import io.skylift.lint.Script;
import io.skylift.lint.Severity;
import io.skylift.lint.Statement;
import java.util.List;

/** {@code BEGIN}, {@code COMMIT} and their kin in a migration: Flyway owns the transaction. */
final class TransactionControlRule extends StatementRule {

    TransactionControlRule() {
        super("transaction-control", Severity.ERROR,
                "BEGIN, COMMIT or ROLLBACK inside a migration breaks Flyway's transaction");
    }

    @Override
    List<String> check(Script script, int index, Statement statement) {
        if (begins(statement)) {
            boolean committed = script.statements().subList(index + 1, script.statements().size()).stream()
                    .anyMatch(TransactionControlRule::ends);
            return List.of(statement.token(0).value() + " inside a migration: in a transactional migration Flyway"
                    + " already holds a transaction (PostgreSQL ignores it with a warning); in a non-transactional one"
                    + " it opens a transaction that keeps every lock it takes until a COMMIT"
                    + (committed ? " that a failing statement skips" : ", and this migration never commits it") + "."
                    + " Remove it, and let the script's .sql.conf (executeInTransaction) decide.");
        }
        if (ends(statement)) {
            return List.of(statement.token(0).value() + " inside a migration ends Flyway's transaction midway: what ran"
                    + " before it stays even when a later statement fails, leaving the migration half applied and"
                    + " not in the history, and what follows runs outside the transaction. Remove it; where a commit"
                    + " is needed, split the migration in two.");
        }
        return List.of();
    }

    private static boolean begins(Statement s) {
        return (s.startsWith("BEGIN") && !s.matches(1, "ATOMIC")) || s.startsWith("START", "TRANSACTION");
    }

    private static boolean ends(Statement s) {
        return s.startsWith("COMMIT") || s.startsWith("END") || s.startsWith("ABORT")
                || (s.startsWith("ROLLBACK") && !s.matches(1, "TO")) || s.startsWith("PREPARE", "TRANSACTION");
    }
}
