package io.skylift.lint.rules;

import io.skylift.lint.Script;
import io.skylift.lint.Statement;
import io.skylift.lint.Token;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the migrations before a point established that a rule needs to know. For now: the {@code CHECK (column IS NOT
 * NULL)} constraints and whether they are validated, because PostgreSQL 12+ lets {@code SET NOT NULL} use a valid one
 * instead of scanning the table. Tables and columns are known by their last name part, as {@link Script#createdBefore}
 * knows them.
 *
 * @param notNullChecks by {@code table.constraint}
 */
public record Catalog(Map<String, NotNullCheck> notNullChecks) {
    /** Before the first migration. */
    public static final Catalog EMPTY = new Catalog(Map.of());

    public Catalog {
        notNullChecks = Map.copyOf(notNullChecks);
    }

    /**
     * A {@code CHECK (column IS NOT NULL)} constraint.
     *
     * @param valid false while it is {@code NOT VALID}
     */
    public record NotNullCheck(String table, String column, boolean valid) {
        public NotNullCheck {
            Objects.requireNonNull(table, "table must not be null");
            Objects.requireNonNull(column, "column must not be null");
        }
    }

    /** True when a valid {@code CHECK (column IS NOT NULL)} constraint on {@code table} is known. */
    public boolean provesNotNull(String table, String column) {
        return notNullChecks.values().stream().anyMatch(c -> c.valid() && c.table().equals(simple(table))
                && c.column().equals(column));
    }

    /** This catalog after every statement of {@code script}. */
    public Catalog after(Script script) {
        return after(script.statements());
    }

    /** This catalog after {@code statements}, in order. */
    public Catalog after(List<Statement> statements) {
        Map<String, NotNullCheck> checks = new HashMap<>(notNullChecks);
        for (Statement statement : statements) {
            AlterTable.parse(statement).ifPresent(alter -> apply(checks, alter));
        }
        return new Catalog(checks);
    }

    private static void apply(Map<String, NotNullCheck> checks, AlterTable alter) {
        String table = alter.table().simpleName();
        for (Statement action : alter.actions()) {
            int kind = AlterTable.tableConstraintStart(action);
            if (kind >= 0 && action.matches(kind, "CHECK")) {
                String column = notNullColumn(action, kind + 1);
                if (column != null) {
                    String name = action.matches(1, "CONSTRAINT") ? action.nameAt(2).name() : table + "_" + column
                            + "_check";
                    checks.put(table + "." + name, new NotNullCheck(table, column, !notValid(action)));
                }
            } else if (action.startsWith("VALIDATE", "CONSTRAINT") && action.nameAt(2) != null) {
                checks.computeIfPresent(table + "." + action.nameAt(2).name(),
                        (key, check) -> new NotNullCheck(check.table(), check.column(), true));
            } else if (action.startsWith("DROP", "CONSTRAINT")) {
                Statement.QualifiedName name = action.nameAt(action.matches(2, "IF", "EXISTS") ? 4 : 2);
                if (name != null) {
                    checks.remove(table + "." + name.name());
                }
            }
        }
    }

    /** For {@code ( column IS NOT NULL )} (in any number of parentheses) at {@code open}: the column; else null. */
    private static String notNullColumn(Statement action, int open) {
        int depth = 0;
        int i = open;
        while (i < action.size() && action.token(i).type() == Token.Type.OPEN_PAREN) {
            depth++;
            i++;
        }
        Statement.QualifiedName column = action.nameAt(i);
        if (depth == 0 || column == null || !action.matches(column.next(), "IS", "NOT", "NULL")) {
            return null;
        }
        for (int close = column.next() + 3; close < column.next() + 3 + depth; close++) {
            if (close >= action.size() || action.token(close).type() != Token.Type.CLOSE_PAREN) {
                return null;
            }
        }
        return column.simpleName();
    }

    static boolean notValid(Statement action) {
        for (int i = action.indexOf("NOT", 0); i >= 0; i = action.indexOf("NOT", i + 1)) {
            if (action.matches(i + 1, "VALID")) {
                return true;
            }
        }
        return false;
    }

    private static String simple(String table) {
        int dot = table.lastIndexOf('.');
        return dot < 0 ? table : table.substring(dot + 1);
    }
}
