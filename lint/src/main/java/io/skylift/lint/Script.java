package io.skylift.lint;

import io.skylift.lint.rules.Catalog;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One migration file, split into statements, with what Flyway and the earlier migrations tell about it.
 *
 * @param name       the file's path relative to the linted directory, {@code /}-separated
 * @param statements its statements in order
 * @param config     its {@code .sql.conf}, {@link ScriptConfig#NONE} when it has none
 * @param earlier    what the migrations applied before it established
 */
public record Script(String name, List<Statement> statements, ScriptConfig config, Catalog earlier) {
    public Script {
        Objects.requireNonNull(name, "name must not be null");
        statements = List.copyOf(statements);
        Objects.requireNonNull(config, "config must not be null");
        Objects.requireNonNull(earlier, "earlier must not be null");
    }

    /** A script on its own: no configuration file, no earlier migration. */
    public static Script parse(String name, String sql) {
        return parse(name, sql, ScriptConfig.NONE, Catalog.EMPTY);
    }

    public static Script parse(String name, String sql, ScriptConfig config, Catalog earlier) {
        return new Script(name, StatementSplitter.split(sql), config, earlier);
    }

    /**
     * Whether Flyway runs this script in one transaction: as its {@code .sql.conf} says, else unless every statement
     * is one Flyway's PostgreSQL parser runs outside a transaction.
     */
    public boolean runsInTransaction() {
        if (config.executeInTransaction() != null) {
            return config.executeInTransaction();
        }
        return statements.isEmpty() || !statements.stream().allMatch(Script::flywayRunsOutsideTransaction);
    }

    /**
     * What Flyway 13's PostgreSQL parser runs without a transaction: {@code CREATE|DROP [UNIQUE] INDEX CONCURRENTLY},
     * {@code CREATE|DROP DATABASE|TABLESPACE|SUBSCRIPTION}, {@code ALTER SYSTEM}, {@code REINDEX [VERBOSE]
     * SCHEMA|DATABASE|SYSTEM}, {@code VACUUM} and {@code DISCARD ALL}.
     */
    public static boolean flywayRunsOutsideTransaction(Statement s) {
        return s.startsWith("CREATE", "INDEX", "CONCURRENTLY") || s.startsWith("CREATE", "UNIQUE", "INDEX", "CONCURRENTLY")
                || s.startsWith("DROP", "INDEX", "CONCURRENTLY") || s.startsWith("DROP", "UNIQUE", "INDEX", "CONCURRENTLY")
                || ((s.startsWith("CREATE") || s.startsWith("DROP")) && (s.matches(1, "DATABASE")
                || s.matches(1, "TABLESPACE") || s.matches(1, "SUBSCRIPTION")))
                || s.startsWith("ALTER", "SYSTEM") || s.startsWith("VACUUM") || s.startsWith("DISCARD", "ALL")
                || (s.startsWith("REINDEX") && (s.matches(1, "SCHEMA") || s.matches(1, "DATABASE")
                || s.matches(1, "SYSTEM") || s.matches(1, "VERBOSE", "SCHEMA") || s.matches(1, "VERBOSE", "DATABASE")
                || s.matches(1, "VERBOSE", "SYSTEM")));
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
