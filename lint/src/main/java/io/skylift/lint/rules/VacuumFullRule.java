package io.skylift.lint.rules;

import io.skylift.lint.Script;
import io.skylift.lint.Severity;
import io.skylift.lint.Statement;
import io.skylift.lint.Token;
import java.util.List;

/** {@code VACUUM FULL} (also {@code VACUUM (FULL …)}): rewrites the table. */
final class VacuumFullRule extends StatementRule {

    VacuumFullRule() {
        super("vacuum-full", Severity.ERROR, "VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock");
    }

    @Override
    List<String> check(Script script, int index, Statement statement) {
        if (!statement.startsWith("VACUUM") || !full(statement)) {
            return List.of();
        }
        return List.of("VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock: its reads and writes wait until"
                + " it ends. Leave space reclaiming to autovacuum, or run VACUUM FULL (or pg_repack) outside the deploy,"
                + " in a maintenance window.");
    }

    private static boolean full(Statement statement) {
        if (statement.matches(1, "FULL")) {
            return true;
        }
        if (statement.size() > 1 && statement.token(1).type() == Token.Type.OPEN_PAREN) {
            for (int i = 2; i < statement.size() && statement.token(i).type() != Token.Type.CLOSE_PAREN; i++) {
                if (statement.token(i).is("FULL")) {
                    boolean off = i + 1 < statement.size() && (statement.token(i + 1).is("FALSE")
                            || statement.token(i + 1).is("OFF") || statement.token(i + 1).value().equals("0"));
                    return !off;
                }
            }
        }
        return false;
    }
}
