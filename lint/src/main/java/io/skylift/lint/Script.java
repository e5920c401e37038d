package io.skylift.lint;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One migration file, split into statements.
 *
 * @param name       the file's path relative to the linted directory, {@code /}-separated
 * @param statements its statements in order
 */
public record Script(String name, List<Statement> statements) {
    public Script {
        Objects.requireNonNull(name, "name must not be null");
        statements = List.copyOf(statements);
    }

    public static Script parse(String name, String sql) {
        return new Script(name, StatementSplitter.split(sql));
    }

    /**
     * True when a statement before {@code index} created {@code table} (compared by its last name part): such a
     * table is new and empty, nobody else uses it yet, so what would lock a live table is harmless on it.
     */
    public boolean createdBefore(int index, Statement.QualifiedName table) {
        if (table == null) {
            return false;
        }
        Set<String> created = new HashSet<>();
        for (int i = 0; i < index && i < statements.size(); i++) {
            Statement.QualifiedName name = createdTable(statements.get(i));
            if (name != null) {
                created.add(name.simpleName());
            }
        }
        return created.contains(table.simpleName());
    }

    /** The table (or materialized view) a {@code CREATE TABLE}/{@code CREATE MATERIALIZED VIEW} creates, or null. */
    static Statement.QualifiedName createdTable(Statement statement) {
        if (!statement.startsWith("CREATE")) {
            return null;
        }
        int i = 1;
        if (statement.matches(i, "OR", "REPLACE")) {
            i += 2;
        }
        while (i < statement.size() && (statement.token(i).is("GLOBAL") || statement.token(i).is("LOCAL")
                || statement.token(i).is("TEMP") || statement.token(i).is("TEMPORARY")
                || statement.token(i).is("UNLOGGED"))) {
            i++;
        }
        if (statement.matches(i, "TABLE")) {
            i++;
        } else if (statement.matches(i, "MATERIALIZED", "VIEW")) {
            i += 2;
        } else {
            return null;
        }
        if (statement.matches(i, "IF", "NOT", "EXISTS")) {
            i += 3;
        }
        return statement.nameAt(i);
    }
}
