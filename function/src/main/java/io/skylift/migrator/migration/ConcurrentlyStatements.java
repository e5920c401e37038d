package io.skylift.migrator.migration;

import io.skylift.lint.Statement;
import io.skylift.lint.StatementSplitter;
import java.util.Locale;

/**
 * Recognises the statements PostgreSQL runs {@code CONCURRENTLY}: {@code CREATE [UNIQUE] INDEX CONCURRENTLY},
 * {@code DROP INDEX CONCURRENTLY}, {@code REINDEX … CONCURRENTLY} (also as the option {@code (CONCURRENTLY)}),
 * {@code ALTER TABLE … DETACH PARTITION … CONCURRENTLY} and {@code REFRESH MATERIALIZED VIEW CONCURRENTLY}. Read
 * with the lint module's lexer, so the word in a comment, a string or a quoted name does not count.
 */
final class ConcurrentlyStatements {
    private ConcurrentlyStatements() {
    }

    /** Whether {@code sql} (one statement as Flyway runs it, comments included) is a {@code CONCURRENTLY} one. */
    static boolean waitsForOlderTransactions(String sql) {
        // Most statements never mention the word: skip the lexer for them.
        if (sql == null || !sql.toUpperCase(Locale.ROOT).contains("CONCURRENTLY")) {
            return false;
        }
        return StatementSplitter.split(sql).stream().anyMatch(ConcurrentlyStatements::concurrently);
    }

    private static boolean concurrently(Statement s) {
        if (s.startsWith("REINDEX")) {
            // REINDEX holds no expressions: the word is the keyword, in its option list or before the name.
            return s.tokens().stream().anyMatch(token -> token.is("CONCURRENTLY"));
        }
        int detach = s.startsWith("ALTER", "TABLE") ? s.indexOf("DETACH", 2) : -1;
        return s.startsWith("CREATE", "INDEX", "CONCURRENTLY") || s.startsWith("CREATE", "UNIQUE", "INDEX", "CONCURRENTLY")
                || s.startsWith("DROP", "INDEX", "CONCURRENTLY")
                || s.startsWith("REFRESH", "MATERIALIZED", "VIEW", "CONCURRENTLY")
                || (detach > 0 && s.matches(detach + 1, "PARTITION") && s.indexOf("CONCURRENTLY", detach) > 0);
    }
}
