package io.skylift.lint.rules;

import io.skylift.lint.Script;
import io.skylift.lint.Severity;
import io.skylift.lint.Statement;
import java.util.List;

/** {@code LOCK [TABLE]}: an explicit lock held to the end of the migration's transaction. */
final class LockTableRule extends StatementRule {

    LockTableRule() {
        super("lock-table", Severity.ERROR, "LOCK TABLE holds a lock until the whole migration ends");
    }

    @Override
    List<String> check(Script script, int index, Statement statement) {
        if (!statement.startsWith("LOCK")) {
            return List.of();
        }
        return List.of("LOCK TABLE holds its lock until the migration's transaction ends (ACCESS EXCLUSIVE unless a"
                + " mode is named): the application's queries on the table queue behind it, and behind the request"
                + " while it waits. Drop it and rely on each statement's own, shorter lock and the migrator's"
                + " lock_timeout; split the migration if the statements need not share one transaction.");
    }
}
