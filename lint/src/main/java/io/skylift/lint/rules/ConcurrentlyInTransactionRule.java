package io.skylift.lint.rules;

import io.skylift.lint.Script;
import io.skylift.lint.Severity;
import io.skylift.lint.Statement;
import io.skylift.lint.Token;
import java.util.ArrayList;
import java.util.List;

/**
 * A statement PostgreSQL refuses inside a transaction block, in a migration that Flyway runs in one: because the
 * migration also holds transactional statements, because Flyway does not recognise the statement as
 * non-transactional ({@link Script#flywayRunsOutsideTransaction}), or because the script's {@code .sql.conf} says
 * {@code executeInTransaction=true}. A {@code .sql.conf} saying {@code executeInTransaction=false} runs every statement
 * on its own, so nothing here is a finding then.
 */
final class ConcurrentlyInTransactionRule implements Rule {

    @Override
    public String id() {
        return "concurrently-in-transaction";
    }

    @Override
    public Severity severity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "CONCURRENTLY (or another statement that cannot run in a transaction) in a migration Flyway runs in"
                + " one";
    }

    @Override
    public List<Violation> check(Script script) {
        List<Statement> statements = script.statements();
        List<Violation> violations = new ArrayList<>();
        Boolean configured = script.config().executeInTransaction();
        if (Boolean.FALSE.equals(configured)) {
            return violations;
        }
        List<Integer> nonTransactional = new ArrayList<>();
        for (int i = 0; i < statements.size(); i++) {
            if (Script.flywayRunsOutsideTransaction(statements.get(i))) {
                nonTransactional.add(i);
            }
        }
        int transactional = statements.size() - nonTransactional.size();
        for (int i = 0; i < statements.size(); i++) {
            Statement statement = statements.get(i);
            String what = describe(statement);
            boolean refused = nonTransactional.contains(i) || refusedInTransaction(statement);
            if (refused && Boolean.TRUE.equals(configured)) {
                violations.add(new Violation(i, what + " cannot run inside a transaction, and this migration's"
                        + " .sql.conf says executeInTransaction=true: PostgreSQL will refuse it. Put it in a migration"
                        + " of its own whose .sql.conf says executeInTransaction=false."));
            } else if (nonTransactional.contains(i) && transactional > 0) {
                violations.add(new Violation(i, what + " cannot run inside a transaction, and this migration also"
                        + " holds " + transactional + " transactional statement(s): Flyway refuses the mix (with"
                        + " mixed=true it runs all of it outside a transaction, so a failure leaves it half applied)."
                        + " Put it in a migration of its own."));
            } else if (!nonTransactional.contains(i) && refusedInTransaction(statement)) {
                violations.add(new Violation(i, what + " cannot run inside a transaction, and Flyway runs this"
                        + " statement in one: PostgreSQL will refuse it. Put it in a migration of its own with a"
                        + " script configuration file (V<n>__<name>.sql.conf) holding executeInTransaction=false."));
            }
        }
        return violations;
    }

    /** Statements PostgreSQL refuses in a transaction block that Flyway does not run outside one. */
    static boolean refusedInTransaction(Statement s) {
        return (s.startsWith("REINDEX") && concurrentlyOption(s))
                || (s.startsWith("ALTER", "TABLE") && s.indexOf("DETACH", 2) > 0 && s.indexOf("CONCURRENTLY", 2) > 0);
    }

    /** {@code REINDEX … CONCURRENTLY …} or {@code REINDEX (CONCURRENTLY [true]) …}. */
    static boolean concurrentlyOption(Statement s) {
        if (s.indexOf("CONCURRENTLY", 1) > 0) {
            return true;
        }
        if (s.size() > 1 && s.token(1).type() == Token.Type.OPEN_PAREN) {
            for (int i = 2; i < s.size() && s.token(i).type() != Token.Type.CLOSE_PAREN; i++) {
                if (s.token(i).is("CONCURRENTLY")) {
                    return !(i + 1 < s.size() && (s.token(i + 1).is("FALSE") || s.token(i + 1).is("OFF")
                            || s.token(i + 1).value().equals("0")));
                }
            }
        }
        return false;
    }

    private static String describe(Statement s) {
        if (s.startsWith("REINDEX")) {
            return concurrentlyOption(s) ? "REINDEX CONCURRENTLY" : "REINDEX";
        }
        if (s.startsWith("ALTER", "TABLE")) {
            return "DETACH PARTITION CONCURRENTLY";
        }
        if (s.matches(1, "UNIQUE")) {
            return s.token(0).value() + " UNIQUE INDEX CONCURRENTLY";
        }
        if (s.matches(1, "INDEX")) {
            return s.token(0).value() + " INDEX CONCURRENTLY";
        }
        if (s.startsWith("VACUUM") || s.size() < 2) {
            return s.token(0).value();
        }
        return s.token(0).value() + " " + s.token(1).value();
    }
}
