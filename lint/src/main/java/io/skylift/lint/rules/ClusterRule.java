package io.skylift.lint.rules;

import io.skylift.lint.Script;
import io.skylift.lint.Severity;
import io.skylift.lint.Statement;
import java.util.List;

/** {@code CLUSTER}: rewrites the table in index order. */
final class ClusterRule extends StatementRule {

    ClusterRule() {
        super("cluster", Severity.ERROR, "CLUSTER rewrites the table under an ACCESS EXCLUSIVE lock");
    }

    @Override
    List<String> check(Script script, int index, Statement statement) {
        if (!statement.startsWith("CLUSTER")) {
            return List.of();
        }
        return List.of("CLUSTER rewrites the table in index order under an ACCESS EXCLUSIVE lock: its reads and writes"
                + " wait until it ends. Run it (or pg_repack) outside the deploy, in a maintenance window.");
    }
}
