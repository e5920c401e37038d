package io.skylift.lint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatementSplitterTest {

    private static List<String> firstWords(String sql) {
        return StatementSplitter.split(sql).stream().map(s -> s.token(0).value()).toList();
    }

    @Test
    void splitsAtSemicolonsAndKeepsEachStatementsFirstLine() {
        List<Statement> statements = StatementSplitter.split("""
                CREATE TABLE a (id int);

                -- a comment
                INSERT INTO a VALUES (1);
                SELECT 1""");
        assertThat(statements).extracting(Statement::line).containsExactly(1, 4, 5);
        assertThat(statements.get(1).preceding()).extracting(Token::value).containsExactly(" a comment");
    }

    @Test
    void semicolonsInStringsIdentifiersAndCommentsDoNotSplit() {
        assertThat(firstWords("""
                INSERT INTO t VALUES ('a;b', E'it\\'s; fine', U&'x;y', 'it''s; ok');
                SELECT "odd;name" FROM t; /* one; /* nested; */ still comment; */ SELECT 2;
                -- SELECT 3;
                """)).containsExactly("INSERT", "SELECT", "SELECT");
    }

    @Test
    void dollarQuotedBodiesAndDoBlocksAreOneStatement() {
        List<Statement> statements = StatementSplitter.split("""
                CREATE FUNCTION f() RETURNS trigger AS $body$
                BEGIN
                  EXECUTE 'CREATE INDEX i ON t (c)'; -- ; inside
                  RETURN NEW;
                END;
                $body$ LANGUAGE plpgsql;
                DO $$ BEGIN PERFORM 1; $inner$ not a close $inner$; END $$;
                SELECT $1, $$a;b$$;
                """);
        assertThat(statements).extracting(s -> s.token(0).value()).containsExactly("CREATE", "DO", "SELECT");
        assertThat(statements.get(1).line()).isEqualTo(7);
        assertThat(statements.get(0).tokens()).filteredOn(t -> t.type() == Token.Type.STRING).hasSize(1);
    }

    @Test
    void aSqlStandardFunctionBodyEndsAtItsEnd() {
        assertThat(firstWords("""
                CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql
                BEGIN ATOMIC
                  SELECT CASE WHEN a > 0 THEN a ELSE 0 END + b;
                  SELECT 1;
                END;
                DROP TABLE x;
                """)).containsExactly("CREATE", "DROP");
    }

    @Test
    void copyFromStdinDataIsNotSql() {
        List<Statement> statements = StatementSplitter.split("""
                COPY t (a, b) FROM stdin;
                1\tDROP TABLE x;
                2\tTRUNCATE y;
                \\.
                SELECT 1;
                """);
        assertThat(statements).extracting(s -> s.token(0).value()).containsExactly("COPY", "SELECT");
        assertThat(statements.get(1).line()).isEqualTo(5);
    }

    @Test
    void placeholdersAndQuotedNamesAreNames() {
        Statement statement = StatementSplitter.split("ALTER TABLE ${schema}.\"Orders\" ADD x int").get(0);
        assertThat(statement.nameAt(2).name()).isEqualTo("${schema}.Orders");
        assertThat(statement.nameAt(2).simpleName()).isEqualTo("Orders");
    }

    @Test
    void unterminatedTextRunsToTheEndWithoutFailing() {
        assertThat(StatementSplitter.split("SELECT 'open; DROP TABLE x;")).hasSize(1);
        assertThat(StatementSplitter.split("SELECT $$ open; DROP TABLE x;")).hasSize(1);
        assertThat(StatementSplitter.split("/* open; DROP TABLE x;")).isEmpty();
    }

    @Test
    void aCommentOnThePreviousStatementsLineIsNotAboutTheNextStatement() {
        List<Statement> statements = StatementSplitter.split("SELECT 1; -- about select\nSELECT 2;");
        assertThat(statements.get(1).preceding()).isEmpty();
    }
}
