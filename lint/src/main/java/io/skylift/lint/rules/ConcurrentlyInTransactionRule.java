package io.skylift.lint.rules;

import io.skylift.lint.Script;
import io.skylift.lint.Severity;
import io.skylift.lint.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A statement PostgreSQL refuses inside a transaction block, in a migration that Flyway runs in one: because the
 * migration also holds transactional statements, or because Flyway does not recognise the statement as
 * non-transactional. Flyway's PostgreSQL parser (13.x) treats as non-transactional: {@code CREATE|DROP [UNIQUE] INDEX
 * CONCURRENTLY}, {@code CREATE|DROP DATABASE|TABLESPACE|SUBSCRIPTION}, {@code ALTER SYSTEM}, {@code REINDEX
 * [VERBOSE] SCHEMA|DATABASE|SYSTEM}, {@code VACUUM} and {@code DISCARD ALL}.
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
        return "CONCURRENTLY (or another statement that cannot run in a transaction) in a migration that also holds"
                + " transactional statements";
    }

    @Override
    public List<Violation> check(Script script) {
        List<Statement> statements = script.statements();
        List<Integer> nonTransactional = new ArrayList<>();
        for (int i = 0; i < statements.size(); i++) {
            if (flywayRunsOutsideTransaction(statements.get(i))) {
                nonTransactional.add(i);
            }
        }
        int transactional = statements.size() - nonTransactional.size();
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < statements.size(); i++) {
            Statement statement = statements.get(i);
            String what = describe(statement);
            if (nonTransactional.contains(i) && transactional > 0) {
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

    /** What Flyway's PostgreSQL parser runs without a transaction. */
    static boolean flywayRunsOutsideTransaction(Statement s) {
        return s.startsWith("CREATE", "INDEX", "CONCURRENTLY") || s.startsWith("CREATE", "UNIQUE", "INDEX", "CONCURRENTLY")
                || s.startsWith("DROP", "INDEX", "CONCURRENTLY") || s.startsWith("DROP", "UNIQUE", "INDEX", "CONCURRENTLY")
                || ((s.startsWith("CREATE") || s.startsWith("DROP")) && (s.matches(1, "DATABASE")
                || s.matches(1, "TABLESPACE") || s.matches(1, "SUBSCRIPTION")))
                || s.startsWith("ALTER", "SYSTEM") || s.startsWith("VACUUM") || s.startsWith("DISCARD", "ALL")
                || (s.startsWith("REINDEX") && (s.matches(1, "SCHEMA") || s.matches(1, "DATABASE")
                || s.matches(1, "SYSTEM") || s.matches(1, "VERBOSE", "SCHEMA") || s.matches(1, "VERBOSE", "DATABASE")
                || s.matches(1, "VERBOSE", "SYSTEM")));
    }

    /** Statements PostgreSQL refuses in a transaction block that Flyway does not run outside one. */
    private static boolean refusedInTransaction(Statement s) {
        return (s.startsWith("REINDEX") && s.indexOf("CONCURRENTLY", 1) > 0)
                || (s.startsWith("ALTER", "TABLE") && s.indexOf("DETACH", 2) > 0 && s.indexOf("CONCURRENTLY", 2) > 0);
    }

    private static String describe(Statement s) {
        if (s.startsWith("REINDEX")) {
            return s.indexOf("CONCURRENTLY", 1) > 0 ? "REINDEX CONCURRENTLY" : "REINDEX";
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
