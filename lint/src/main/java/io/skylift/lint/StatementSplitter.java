package io.skylift.lint;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a script into {@link Statement}s where PostgreSQL (and Flyway's PostgreSQL parser) would: at semicolons
 * outside parentheses, strings, dollar-quoted bodies and SQL-standard {@code BEGIN ATOMIC … END} function bodies.
 */
public final class StatementSplitter {

    private StatementSplitter() {
    }

    public static List<Statement> split(String sql) {
        List<Statement> statements = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        List<Token> comments = new ArrayList<>();
        int previousEndLine = 0;
        int depth = 0;
        int atomicDepth = 0;
        for (Token token : SqlLexer.tokenize(sql)) {
            if (token.type() == Token.Type.COMMENT) {
                // Only comments on their own lines before a statement can be about it.
                if (current.isEmpty() && token.line() > previousEndLine) {
                    comments.add(token);
                }
                continue;
            }
            if (token.type() == Token.Type.SEMICOLON && depth <= 0 && atomicDepth == 0) {
                if (!current.isEmpty()) {
                    statements.add(new Statement(current, current.get(0).line(), comments));
                }
                current = new ArrayList<>();
                comments = new ArrayList<>();
                previousEndLine = token.line();
                depth = 0;
                continue;
            }
            switch (token.type()) {
                case OPEN_PAREN -> depth++;
                case CLOSE_PAREN -> depth--;
                default -> {
                    if (token.is("ATOMIC") && !current.isEmpty() && current.get(current.size() - 1).is("BEGIN")) {
                        atomicDepth++;
                    } else if (atomicDepth > 0 && token.is("CASE")) {
                        atomicDepth++;
                    } else if (atomicDepth > 0 && token.is("END")) {
                        atomicDepth--;
                    }
                }
            }
            current.add(token);
        }
        if (!current.isEmpty()) {
            statements.add(new Statement(current, current.get(0).line(), comments));
        }
        return List.copyOf(statements);
    }
}
