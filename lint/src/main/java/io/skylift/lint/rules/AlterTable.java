package io.skylift.lint.rules;

import io.skylift.lint.Statement;
import io.skylift.lint.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An {@code ALTER TABLE [IF EXISTS] [ONLY] name [*] action [, …]} statement: the table and each action's tokens
 * (split at top-level commas).
 */
record AlterTable(Statement.QualifiedName table, List<Statement> actions) {

    static Optional<AlterTable> parse(Statement statement) {
        if (!statement.startsWith("ALTER", "TABLE")) {
            return Optional.empty();
        }
        int i = 2;
        if (statement.matches(i, "IF", "EXISTS")) {
            i += 2;
        }
        if (statement.matches(i, "ONLY")) {
            i++;
        }
        Statement.QualifiedName table = statement.nameAt(i);
        if (table == null || statement.matches(i, "ALL", "IN")) {
            return Optional.empty();
        }
        i = table.next();
        if (i < statement.size() && statement.token(i).value().equals("*")) {
            i++;
        }
        List<Statement> actions = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        int depth = 0;
        for (; i < statement.size(); i++) {
            Token token = statement.token(i);
            if (token.type() == Token.Type.COMMA && depth == 0) {
                add(actions, current);
                current = new ArrayList<>();
                continue;
            }
            if (token.type() == Token.Type.OPEN_PAREN) {
                depth++;
            } else if (token.type() == Token.Type.CLOSE_PAREN) {
                depth--;
            }
            current.add(token);
        }
        add(actions, current);
        return Optional.of(new AlterTable(table, List.copyOf(actions)));
    }

    private static void add(List<Statement> actions, List<Token> tokens) {
        if (!tokens.isEmpty()) {
            actions.add(new Statement(tokens, tokens.get(0).line(), List.of()));
        }
    }

    /**
     * Where an {@code ADD} action's constraint keyword ({@code CONSTRAINT}, {@code FOREIGN}, {@code CHECK},
     * {@code UNIQUE}, {@code PRIMARY}, {@code EXCLUDE}) is, skipping {@code CONSTRAINT name}; -1 when the action
     * is no {@code ADD} of a table constraint (for example {@code ADD COLUMN}).
     */
    static int tableConstraintStart(Statement action) {
        if (!action.startsWith("ADD")) {
            return -1;
        }
        int i = 1;
        if (action.matches(i, "CONSTRAINT")) {
            i += 2;
        }
        if (i < action.size() && (action.matches(i, "FOREIGN") || action.matches(i, "CHECK")
                || action.matches(i, "UNIQUE") || action.matches(i, "PRIMARY") || action.matches(i, "EXCLUDE"))) {
            return i;
        }
        return -1;
    }

    /** For {@code ADD [COLUMN] [IF NOT EXISTS] name type …}: the index of the column's name; else -1. */
    static int addedColumnStart(Statement action) {
        if (!action.startsWith("ADD") || tableConstraintStart(action) >= 0 || action.matches(1, "CONSTRAINT")) {
            return -1;
        }
        int i = 1;
        if (action.matches(i, "COLUMN")) {
            i++;
        }
        if (action.matches(i, "IF", "NOT", "EXISTS")) {
            i += 3;
        }
        return i < action.size() && action.token(i).isName() ? i : -1;
    }

    /**
     * For {@code ADD [COLUMN] name type … keyword …}: the index of the column constraint {@code keyword} ({@code UNIQUE},
     * {@code PRIMARY}, {@code REFERENCES}, {@code CHECK}) written inline; else -1.
     */
    static int inlineConstraint(Statement action, String keyword) {
        int column = addedColumnStart(action);
        return column < 0 ? -1 : action.indexOf(keyword, column + 1);
    }
}
