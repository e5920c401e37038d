package io.skylift.lint.rules;

import io.skylift.lint.Script;
import io.skylift.lint.Severity;
import io.skylift.lint.Statement;
import java.util.List;

/** {@code REINDEX} without {@code CONCURRENTLY}. */
final class ReindexRule extends StatementRule {

    ReindexRule() {
        super("reindex-non-concurrent", Severity.ERROR,
                "REINDEX without CONCURRENTLY blocks the table's writes, and every query that would use the index,"
                        + " for the whole rebuild");
    }

    @Override
    List<String> check(Script script, int index, Statement statement) {
        if (!statement.startsWith("REINDEX") || ConcurrentlyInTransactionRule.concurrentlyOption(statement)) {
            return List.of();
        }
        int kind = statement.indexOf("TABLE", 1);
        if (kind > 0 && script.createdBefore(index, statement.nameAt(kind + 1))) {
            return List.of();
        }
        return List.of("REINDEX without CONCURRENTLY rebuilds under a SHARE lock on the table (its writes wait) and an"
                + " ACCESS EXCLUSIVE lock on each index (queries that would use it wait) until it ends. Use REINDEX ..."
                + " CONCURRENTLY (PostgreSQL 12+) in a migration of its own whose .sql.conf says"
                + " executeInTransaction=false (REINDEX CONCURRENTLY cannot run in a transaction, and Flyway runs"
                + " REINDEX INDEX/TABLE in one otherwise).");
    }
}
