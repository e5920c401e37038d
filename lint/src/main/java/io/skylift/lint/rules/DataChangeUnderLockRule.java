package io.skylift.lint.rules;

import io.skylift.lint.Script;
import io.skylift.lint.Severity;
import io.skylift.lint.Statement;
import io.skylift.lint.Token;
import java.util.ArrayList;
import java.util.List;

/**
 * The statement-timeout policy: in a migration Flyway runs in one transaction, a data change ({@code UPDATE},
 * {@code DELETE}, {@code INSERT … SELECT}, {@code MERGE}, {@code COPY}) after a statement that locked an existing table
 * holds that lock for as long as the data change runs, and {@code lock_timeout} bounds only the wait for a lock. A
 * {@code SET [LOCAL] statement_timeout} to a non-zero value before it bounds the hold, so it is no finding then.
 */
final class DataChangeUnderLockRule implements Rule {

    @Override
    public String id() {
        return "data-change-under-lock";
    }

    @Override
    public Severity severity() {
        return Severity.WARNING;
    }

    @Override
    public String summary() {
        return "A data change after a statement that locked an existing table, in one transaction without a"
                + " statement_timeout, holds that lock for as long as the data change runs";
    }

    @Override
    public List<Violation> check(Script script) {
        List<Violation> violations = new ArrayList<>();
        if (!script.runsInTransaction()) {
            return violations;
        }
        List<Statement> statements = script.statements();
        String lock = null;
        for (int i = 0; i < statements.size(); i++) {
            Statement statement = statements.get(i);
            if (setsStatementTimeout(statement)) {
                return violations;
            }
            if (lock != null && changesData(statement)) {
                violations.add(new Violation(i, statement.token(0).value() + " runs after " + lock + " in the same"
                        + " transaction: the lock is held until this statement and the rest of the migration end, so"
                        + " the application's queries on that table wait as long as the data change takes (lock_timeout"
                        + " bounds only the wait for a lock, not how long it is held). Move the data change to a"
                        + " migration of its own (in batches for a large table), or bound it with SET LOCAL"
                        + " statement_timeout = '5s' at the top of this migration so that it fails instead of"
                        + " blocking the table."));
            } else if (lock == null) {
                lock = locks(script, i, statement);
            }
        }
        return violations;
    }

    /** What lock {@code statement} takes on an existing table, described for the message; null when none. */
    private static String locks(Script script, int index, Statement statement) {
        var alter = AlterTable.parse(statement);
        if (alter.isPresent() && !script.createdBefore(index, alter.get().table())) {
            return "ALTER TABLE " + alter.get().table().name() + " (line " + statement.line() + ", ACCESS EXCLUSIVE"
                    + " for most forms)";
        }
        int indexKeyword = CreateIndexRule.indexKeyword(statement);
        if (indexKeyword > 0 && !statement.matches(indexKeyword + 1, "CONCURRENTLY")) {
            int on = statement.indexOf("ON", indexKeyword);
            Statement.QualifiedName table = on < 0 ? null
                    : statement.nameAt(statement.matches(on + 1, "ONLY") ? on + 2 : on + 1);
            if (table != null && !script.createdBefore(index, table)) {
                return "CREATE INDEX on " + table.name() + " (line " + statement.line() + ", SHARE: writes wait)";
            }
        }
        if (statement.startsWith("LOCK")) {
            return "LOCK (line " + statement.line() + ")";
        }
        if (statement.startsWith("DROP", "INDEX") && !statement.matches(2, "CONCURRENTLY")) {
            return "DROP INDEX (line " + statement.line() + ", ACCESS EXCLUSIVE on its table)";
        }
        return null;
    }

    private static boolean changesData(Statement s) {
        if (s.startsWith("INSERT")) {
            return s.indexOf("SELECT", 1) > 0;
        }
        return s.startsWith("UPDATE") || s.startsWith("DELETE") || s.startsWith("MERGE") || s.startsWith("COPY")
                || (s.startsWith("WITH") && s.tokens().stream().anyMatch(t -> t.is("UPDATE") || t.is("DELETE")
                || t.is("INSERT") || t.is("MERGE")));
    }

    /** {@code SET [LOCAL|SESSION] statement_timeout {=|TO} <non-zero>}. */
    static boolean setsStatementTimeout(Statement s) {
        if (!s.startsWith("SET")) {
            return false;
        }
        int i = s.matches(1, "LOCAL") || s.matches(1, "SESSION") ? 2 : 1;
        if (!s.matches(i, "STATEMENT_TIMEOUT")) {
            return false;
        }
        i++;
        if (i < s.size() && (s.token(i).is("TO") || s.token(i).value().equals("="))) {
            i++;
        }
        if (i >= s.size() || s.token(i).is("DEFAULT")) {
            return false;
        }
        String value = s.token(i).value().replace("'", "").strip();
        return !(value.equals("0") || value.startsWith("0 ") || value.matches("0+[a-z]*"))
                && s.token(i).type() != Token.Type.WORD;
    }
}
