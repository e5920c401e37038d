package io.skylift.lint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatementSplitterTest {

    private static List<String> firstWords(String sql) {
        return StatementSplitter.split(sql).stream().map(s -> s.token(0).value()).toList();
    }

    @Test
    void splits_at_semicolons_and_keeps_each_statements_first_line() {
        List<Statement> statements = StatementSplitter.split("""
                CREATE TABLE a (id int);

                -- a comment
                INSERT INTO a VALUES (1);
                SELECT 1""");
        assertThat(statements).extracting(Statement::line).containsExactly(1, 4, 5);
        assertThat(statements.get(1).preceding()).extracting(Token::value).containsExactly(" a comment");
    }

    @Test
    void semicolons_in_strings_identifiers_and_comments_do_not_split() {
        assertThat(firstWords("""
                INSERT INTO t VALUES ('a;b', E'it\\'s; fine', U&'x;y', 'it''s; ok');
                SELECT "odd;name" FROM t; /* one; /* nested; */ still comment; */ SELECT 2;
                -- SELECT 3;
                """)).containsExactly("INSERT", "SELECT", "SELECT");
    }

    @Test
    void dollar_quoted_bodies_and_do_blocks_are_one_statement() {
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
    void a_sql_standard_function_body_ends_at_its_end() {
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
    void copy_from_stdin_data_is_not_sql() {
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
    void placeholders_and_quoted_names_are_names() {
        Statement statement = StatementSplitter.split("ALTER TABLE ${schema}.\"Orders\" ADD x int").get(0);
        assertThat(statement.nameAt(2).name()).isEqualTo("${schema}.Orders");
        assertThat(statement.nameAt(2).simpleName()).isEqualTo("Orders");
    }

    @Test
    void template_expressions_are_names_too() {
        Statement statement = StatementSplitter.split(
                "CREATE INDEX i ON {{ index .Options \"Namespace\" }}.users (id);").get(0);
        assertThat(statement.nameAt(4).simpleName()).isEqualTo("users");
    }

    @Test
    void unterminated_text_runs_to_the_end_without_failing() {
        assertThat(StatementSplitter.split("SELECT 'open; DROP TABLE x;")).hasSize(1);
        assertThat(StatementSplitter.split("SELECT $$ open; DROP TABLE x;")).hasSize(1);
        assertThat(StatementSplitter.split("/* open; DROP TABLE x;")).isEmpty();
    }

    @Test
    void a_comment_on_the_previous_statements_line_is_not_about_the_next_statement() {
        List<Statement> statements = StatementSplitter.split("SELECT 1; -- about select\nSELECT 2;");
        assertThat(statements.get(1).preceding()).isEmpty();
    }
}
