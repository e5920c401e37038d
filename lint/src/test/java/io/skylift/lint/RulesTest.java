package io.skylift.lint;

import static org.assertj.core.api.Assertions.assertThat;

import io.skylift.lint.rules.Rule;
import io.skylift.lint.rules.Rules;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rule on SQL that must be found (with the line) and on SQL that must not, including the traps. */
class RulesTest {
    private final Linter linter = new Linter();

    private List<Finding> lint(String sql) {
        return linter.lint("V9__test.sql", sql);
    }

    static Stream<Arguments> positives() {
        return Stream.of(
                Arguments.of("create-index-non-concurrent", "CREATE INDEX orders_idx ON orders (placed_at);", 1),
                Arguments.of("create-index-non-concurrent", "SELECT 1;\nCREATE UNIQUE INDEX IF NOT EXISTS u ON ONLY public.orders USING btree (id);", 2),
                Arguments.of("create-index-non-concurrent", "CREATE INDEX ON orders ((lower(email)));", 1),
                Arguments.of("concurrently-in-transaction", "CREATE TABLE t (id int);\nCREATE INDEX CONCURRENTLY i ON orders (id);", 2),
                Arguments.of("concurrently-in-transaction", "DROP INDEX CONCURRENTLY i;\nUPDATE orders SET x = 1;", 1),
                Arguments.of("concurrently-in-transaction", "SET lock_timeout = '1s';\nVACUUM orders;", 2),
                Arguments.of("concurrently-in-transaction", "REINDEX INDEX CONCURRENTLY orders_idx;", 1),
                Arguments.of("concurrently-in-transaction", "ALTER TABLE m DETACH PARTITION m_2020 CONCURRENTLY;", 1),
                Arguments.of("add-column-not-null-no-default", "ALTER TABLE orders ADD COLUMN note text NOT NULL;", 1),
                Arguments.of("add-column-not-null-no-default", "ALTER TABLE IF EXISTS orders ADD note text CONSTRAINT n NOT NULL;", 1),
                Arguments.of("add-column-volatile-default", "ALTER TABLE orders ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();", 1),
                Arguments.of("add-column-volatile-default", "ALTER TABLE orders ADD COLUMN seq bigserial;", 1),
                Arguments.of("add-column-volatile-default", "ALTER TABLE orders ADD COLUMN at timestamptz DEFAULT clock_timestamp();", 1),
                Arguments.of("add-column-volatile-default", "ALTER TABLE orders ADD COLUMN total int GENERATED ALWAYS AS (a + b) STORED;", 1),
                Arguments.of("add-column-volatile-default", "ALTER TABLE orders ADD COLUMN n int GENERATED ALWAYS AS IDENTITY;", 1),
                Arguments.of("alter-column-type", "ALTER TABLE orders ALTER COLUMN total_cents TYPE numeric(12,2);", 1),
                Arguments.of("alter-column-type", "ALTER TABLE orders ALTER total_cents SET DATA TYPE bigint USING total_cents::bigint;", 1),
                Arguments.of("set-not-null", "ALTER TABLE orders ALTER COLUMN currency SET NOT NULL;", 1),
                Arguments.of("constraint-without-not-valid", "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id);", 1),
                Arguments.of("constraint-without-not-valid", "ALTER TABLE orders ADD CHECK (total_cents >= 0);", 1),
                Arguments.of("unique-without-using-index", "ALTER TABLE orders ADD CONSTRAINT u UNIQUE (ref);", 1),
                Arguments.of("unique-without-using-index", "ALTER TABLE orders ADD PRIMARY KEY (id);", 1),
                Arguments.of("unique-without-using-index", "ALTER TABLE orders ADD UNIQUE (ref) USING INDEX TABLESPACE fast;", 1),
                Arguments.of("drop-table", "DROP TABLE IF EXISTS legacy_orders CASCADE;", 1),
                Arguments.of("drop-column", "ALTER TABLE orders DROP COLUMN legacy;", 1),
                Arguments.of("drop-column", "ALTER TABLE orders DROP IF EXISTS legacy;", 1),
                Arguments.of("truncate", "TRUNCATE TABLE orders;", 1),
                Arguments.of("rename-table", "ALTER TABLE orders RENAME TO purchases;", 1),
                Arguments.of("rename-column", "ALTER TABLE orders RENAME COLUMN total TO amount;", 1),
                Arguments.of("rename-column", "ALTER TABLE orders RENAME total TO amount;", 1),
                Arguments.of("vacuum-full", "VACUUM FULL orders;", 1),
                Arguments.of("vacuum-full", "VACUUM (VERBOSE, FULL) orders;", 1),
                Arguments.of("cluster", "CLUSTER orders USING orders_pkey;", 1),
                Arguments.of("lock-table", "LOCK TABLE orders IN SHARE MODE;", 1),
                Arguments.of("lock-table", "LOCK orders;", 1),
                // inline constraints in ADD COLUMN
                Arguments.of("unique-without-using-index", "ALTER TABLE orders ADD COLUMN ref text UNIQUE;", 1),
                Arguments.of("unique-without-using-index", "ALTER TABLE orders ADD COLUMN IF NOT EXISTS id2 uuid DEFAULT NULL PRIMARY KEY;", 1),
                Arguments.of("constraint-without-not-valid", "ALTER TABLE orders ADD COLUMN customer_id bigint REFERENCES customers (id);", 1),
                Arguments.of("constraint-without-not-valid", "ALTER TABLE orders ADD COLUMN c bigint NULL CONSTRAINT fk REFERENCES shop.customers ON DELETE CASCADE;", 1),
                Arguments.of("constraint-without-not-valid", "ALTER TABLE orders ADD COLUMN qty int CHECK (qty > 0);", 1),
                // volatile defaults: anything not known to be immutable or stable
                Arguments.of("add-column-volatile-default", "ALTER TABLE orders ADD COLUMN code text DEFAULT make_code();", 1),
                Arguments.of("add-column-volatile-default", "ALTER TABLE orders ADD COLUMN id2 uuid DEFAULT extensions.uuid_generate_v4();", 1),
                Arguments.of("add-column-volatile-default", "ALTER TABLE orders ADD COLUMN n bigint DEFAULT nextval('orders_n_seq'::regclass) NOT NULL;", 1),
                Arguments.of("add-column-volatile-default", "ALTER TABLE orders ADD COLUMN r float8 DEFAULT (round(random() * 10));", 1),
                Arguments.of("add-column-volatile-default", "ALTER TABLE orders ADD COLUMN at timestamptz DEFAULT \"stamp\"();", 1),
                // NOT VALID + VALIDATE in one transaction
                Arguments.of("validate-in-same-transaction", "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT fk;", 2),
                Arguments.of("validate-in-same-transaction", "ALTER TABLE orders ADD CONSTRAINT pos CHECK (total >= 0) NOT VALID, VALIDATE CONSTRAINT pos;", 1),
                Arguments.of("validate-in-same-transaction", "ALTER TABLE public.orders ADD COLUMN note text;\n\nALTER TABLE orders VALIDATE CONSTRAINT pos;", 3),
                // non-concurrent index maintenance and partition detach
                Arguments.of("drop-index-non-concurrent", "DROP INDEX orders_placed_idx;", 1),
                Arguments.of("drop-index-non-concurrent", "DROP INDEX IF EXISTS a_idx, shop.b_idx CASCADE;", 1),
                Arguments.of("reindex-non-concurrent", "REINDEX INDEX orders_placed_idx;", 1),
                Arguments.of("reindex-non-concurrent", "REINDEX (VERBOSE) TABLE orders;", 1),
                Arguments.of("reindex-non-concurrent", "REINDEX (CONCURRENTLY false) TABLE orders;", 1),
                Arguments.of("concurrently-in-transaction", "REINDEX (CONCURRENTLY) TABLE orders;", 1),
                Arguments.of("detach-partition-non-concurrent", "ALTER TABLE measurements DETACH PARTITION measurements_2020;", 1),
                // transaction control, databases, NULLs, domains, TRUNCATE ... CASCADE
                Arguments.of("transaction-control", "BEGIN;\nUPDATE orders SET x = 1;\nCOMMIT;", 1),
                Arguments.of("transaction-control", "UPDATE orders SET x = 1;\nCOMMIT;", 2),
                Arguments.of("transaction-control", "START TRANSACTION ISOLATION LEVEL SERIALIZABLE;", 1),
                Arguments.of("transaction-control", "SELECT 1;\nROLLBACK;", 2),
                Arguments.of("transaction-control", "END;", 1),
                Arguments.of("drop-database", "DROP DATABASE IF EXISTS legacy;", 1),
                Arguments.of("drop-not-null", "ALTER TABLE orders ALTER COLUMN currency DROP NOT NULL;", 1),
                Arguments.of("alter-domain-add-constraint", "ALTER DOMAIN positive ADD CONSTRAINT gt0 CHECK (VALUE > 0);", 1),
                Arguments.of("alter-domain-add-constraint", "ALTER DOMAIN shop.code SET NOT NULL;", 1),
                Arguments.of("create-domain-with-check", "CREATE DOMAIN positive AS int CHECK (VALUE > 0);", 1),
                Arguments.of("create-domain-with-check", "CREATE DOMAIN code AS text NOT NULL;", 1),
                Arguments.of("truncate-cascade", "TRUNCATE orders CASCADE;", 1),
                Arguments.of("truncate-cascade", "CREATE TABLE scratch (id int);\nTRUNCATE TABLE ONLY scratch, customers RESTART IDENTITY CASCADE;", 2),
                Arguments.of("truncate", "CREATE TABLE scratch (id int);\nTRUNCATE scratch, orders;", 2),
                // the statement-timeout policy
                Arguments.of("data-change-under-lock", "ALTER TABLE orders ADD COLUMN n int;\nUPDATE orders SET n = 0;", 2),
                Arguments.of("data-change-under-lock", "CREATE INDEX i ON orders (c);\nINSERT INTO audit SELECT * FROM orders;", 2),
                Arguments.of("data-change-under-lock", "LOCK TABLE orders;\nWITH gone AS (DELETE FROM orders RETURNING id) SELECT count(*) FROM gone;", 2),
                Arguments.of("data-change-under-lock", "SET statement_timeout = 0;\nALTER TABLE orders ADD COLUMN n int;\nUPDATE orders SET n = 0;", 3));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("positives")
    void finds_the_rule_at_the_statements_line(String rule, String sql, int line) {
        assertThat(lint(sql)).as(sql).anySatisfy(f -> {
            assertThat(f.rule()).isEqualTo(rule);
            assertThat(f.line()).isEqualTo(line);
            assertThat(f.script()).isEqualTo("V9__test.sql");
            assertThat(f.severity()).isEqualTo(Rules.byId(rule).orElseThrow().severity());
        });
    }

    static Stream<Arguments> negatives() {
        return Stream.of(
                Arguments.of("create-index-non-concurrent", "CREATE INDEX CONCURRENTLY orders_idx ON orders (placed_at);"),
                Arguments.of("create-index-non-concurrent", "CREATE TABLE orders (id int);\nCREATE INDEX i ON orders (id);"),
                Arguments.of("create-index-non-concurrent", "CREATE TABLE IF NOT EXISTS public.orders (id int);\nCREATE INDEX i ON orders (id);"),
                Arguments.of("create-index-non-concurrent", "CREATE MATERIALIZED VIEW totals AS SELECT 1 AS x;\nCREATE INDEX i ON totals (x);"),
                Arguments.of("concurrently-in-transaction", "CREATE INDEX CONCURRENTLY i ON orders (id);"),
                Arguments.of("concurrently-in-transaction", "-- only comments besides\nCREATE INDEX CONCURRENTLY i ON orders (id);\nDROP INDEX CONCURRENTLY j;"),
                Arguments.of("concurrently-in-transaction", "REFRESH MATERIALIZED VIEW CONCURRENTLY totals;\nUPDATE t SET x = 1;"),
                Arguments.of("add-column-not-null-no-default", "ALTER TABLE orders ADD COLUMN note text NOT NULL DEFAULT '';"),
                Arguments.of("add-column-not-null-no-default", "ALTER TABLE orders ADD COLUMN note text;"),
                Arguments.of("add-column-not-null-no-default", "ALTER TABLE orders ADD COLUMN note text CHECK (note IS NOT NULL);"),
                Arguments.of("add-column-not-null-no-default", "ALTER TABLE orders ADD CONSTRAINT c CHECK (x IS NOT NULL) NOT VALID;"),
                Arguments.of("add-column-volatile-default", "ALTER TABLE orders ADD COLUMN at timestamptz NOT NULL DEFAULT now();"),
                Arguments.of("add-column-volatile-default", "ALTER TABLE orders ADD COLUMN flag boolean DEFAULT false;"),
                Arguments.of("add-column-volatile-default", "ALTER TABLE orders ADD COLUMN c text DEFAULT 'random()';"),
                Arguments.of("alter-column-type", "ALTER TABLE orders ALTER COLUMN total SET DEFAULT 0;"),
                Arguments.of("alter-column-type", "ALTER TYPE mood ADD VALUE 'meh';"),
                Arguments.of("set-not-null", "ALTER TABLE orders ALTER COLUMN currency DROP NOT NULL;"),
                Arguments.of("constraint-without-not-valid", "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id) NOT VALID;"),
                Arguments.of("constraint-without-not-valid", "ALTER TABLE orders VALIDATE CONSTRAINT fk;"),
                Arguments.of("constraint-without-not-valid", "ALTER TABLE orders ADD COLUMN customer_id bigint;"),
                Arguments.of("constraint-without-not-valid", "ALTER TABLE orders ADD COLUMN note text DEFAULT 'CHECK (x)';"),
                Arguments.of("unique-without-using-index", "ALTER TABLE orders ADD CONSTRAINT u UNIQUE USING INDEX orders_ref_idx;"),
                Arguments.of("unique-without-using-index", "ALTER TABLE orders ADD CONSTRAINT pk PRIMARY KEY USING INDEX orders_id_idx;"),
                Arguments.of("drop-table", "DROP INDEX orders_idx;"),
                Arguments.of("drop-table", "CREATE TABLE tmp (id int);\nDROP TABLE tmp;"),
                Arguments.of("drop-column", "ALTER TABLE orders DROP CONSTRAINT fk;"),
                Arguments.of("drop-column", "ALTER TABLE orders ALTER COLUMN x DROP DEFAULT;"),
                Arguments.of("truncate", "CREATE TEMP TABLE scratch (id int);\nTRUNCATE scratch;"),
                Arguments.of("rename-table", "ALTER INDEX orders_idx RENAME TO orders_placed_idx;"),
                Arguments.of("rename-column", "ALTER TABLE orders RENAME CONSTRAINT a TO b;"),
                Arguments.of("rename-column", "CREATE TABLE n (a int);\nALTER TABLE n RENAME a TO b;"),
                Arguments.of("vacuum-full", "VACUUM ANALYZE orders;"),
                Arguments.of("vacuum-full", "VACUUM (FULL false) orders;"),
                Arguments.of("cluster", "ALTER TABLE orders CLUSTER ON orders_pkey;"),
                Arguments.of("lock-table", "SELECT * FROM orders FOR UPDATE;"),
                Arguments.of("unique-without-using-index", "ALTER TABLE orders ADD COLUMN ref text;"),
                Arguments.of("unique-without-using-index", "CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN ref text UNIQUE;"),
                Arguments.of("constraint-without-not-valid", "CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN c int REFERENCES customers (id);"),
                Arguments.of("add-column-volatile-default", "ALTER TABLE orders ADD COLUMN at timestamptz DEFAULT timezone('utc', now());"),
                Arguments.of("add-column-volatile-default", "ALTER TABLE orders ADD COLUMN at timestamptz DEFAULT pg_catalog.now();"),
                Arguments.of("add-column-volatile-default", "ALTER TABLE orders ADD COLUMN at timestamptz(3) DEFAULT CURRENT_TIMESTAMP(3);"),
                Arguments.of("add-column-volatile-default", "ALTER TABLE orders ADD COLUMN c varchar(20) DEFAULT 'x'::character varying(20);"),
                Arguments.of("add-column-volatile-default", "ALTER TABLE orders ADD COLUMN c numeric(10,2) DEFAULT CAST(0 AS numeric(10,2));"),
                Arguments.of("add-column-volatile-default", "ALTER TABLE orders ADD COLUMN meta jsonb DEFAULT jsonb_build_object('v', 1) NOT NULL;"),
                Arguments.of("add-column-volatile-default", "ALTER TABLE orders ADD COLUMN c int DEFAULT 0 REFERENCES codes (id);"),
                Arguments.of("add-column-volatile-default", "ALTER TABLE orders ADD COLUMN c int DEFAULT 0 CHECK (is_valid(c));"),
                Arguments.of("add-column-volatile-default", "ALTER TABLE orders ADD COLUMN tags text[] DEFAULT ARRAY[]::text[];"),
                Arguments.of("validate-in-same-transaction", "ALTER TABLE orders VALIDATE CONSTRAINT fk;"),
                Arguments.of("validate-in-same-transaction", "ALTER TABLE customers ADD CONSTRAINT fk2 CHECK (x > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT fk;"),
                Arguments.of("validate-in-same-transaction", "CREATE TABLE t (id int);\nALTER TABLE t ADD CONSTRAINT c CHECK (id > 0) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT c;"),
                Arguments.of("drop-index-non-concurrent", "DROP INDEX CONCURRENTLY IF EXISTS orders_placed_idx;"),
                Arguments.of("drop-index-non-concurrent", "CREATE INDEX tmp_idx ON orders (id);\nDROP INDEX tmp_idx;"),
                Arguments.of("drop-index-non-concurrent", "DROP TABLE legacy;"),
                Arguments.of("reindex-non-concurrent", "REINDEX INDEX CONCURRENTLY orders_placed_idx;"),
                Arguments.of("reindex-non-concurrent", "REINDEX (VERBOSE, CONCURRENTLY) TABLE orders;"),
                Arguments.of("reindex-non-concurrent", "CREATE TABLE t (id int);\nREINDEX TABLE t;"),
                Arguments.of("detach-partition-non-concurrent", "ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY;"),
                Arguments.of("detach-partition-non-concurrent", "ALTER TABLE measurements DETACH PARTITION measurements_2020 FINALIZE;"),
                Arguments.of("detach-partition-non-concurrent", "ALTER TABLE measurements ATTACH PARTITION m_2020 FOR VALUES FROM (1) TO (2);"),
                Arguments.of("transaction-control", "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;"),
                Arguments.of("transaction-control", "SAVEPOINT s;\nROLLBACK TO SAVEPOINT s;"),
                Arguments.of("drop-database", "DROP TABLE database;"),
                Arguments.of("drop-not-null", "ALTER TABLE orders ALTER COLUMN currency SET NOT NULL;"),
                Arguments.of("drop-not-null", "CREATE TABLE t (c int NOT NULL);\nALTER TABLE t ALTER COLUMN c DROP NOT NULL;"),
                Arguments.of("alter-domain-add-constraint", "ALTER DOMAIN positive ADD CONSTRAINT gt0 CHECK (VALUE > 0) NOT VALID;"),
                Arguments.of("alter-domain-add-constraint", "ALTER DOMAIN positive DROP CONSTRAINT gt0;"),
                Arguments.of("create-domain-with-check", "CREATE DOMAIN code AS text;"),
                Arguments.of("truncate-cascade", "TRUNCATE orders;"),
                Arguments.of("truncate", "TRUNCATE orders CASCADE;"),
                Arguments.of("truncate", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nTRUNCATE a, ONLY b;"),
                Arguments.of("data-change-under-lock", "ALTER TABLE orders ADD COLUMN n int;\nINSERT INTO codes VALUES (1);"),
                Arguments.of("data-change-under-lock", "UPDATE orders SET n = 0;\nALTER TABLE orders ADD COLUMN n int;"),
                Arguments.of("data-change-under-lock", "SET LOCAL statement_timeout = '5s';\nALTER TABLE orders ADD COLUMN n int;\nUPDATE orders SET n = 0;"),
                Arguments.of("data-change-under-lock", "CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN n int;\nUPDATE t SET n = 0;"),
                Arguments.of("data-change-under-lock", "CREATE INDEX CONCURRENTLY i ON orders (c);\nUPDATE orders SET n = 0;"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("negatives")
    void does_not_find_the_rule_in_safe_sql(String rule, String sql) {
        assertThat(lint(sql)).as(sql).noneMatch(f -> f.rule().equals(rule));
    }

    static Stream<Arguments> traps() {
        return Stream.of(
                Arguments.of("a keyword in a string", "INSERT INTO audit (note) VALUES ('DROP TABLE orders; TRUNCATE x');"),
                Arguments.of("an E string with an escaped quote", "INSERT INTO audit VALUES (E'it\\'s; LOCK TABLE orders; ');"),
                Arguments.of("a line comment", "-- DROP TABLE orders;\nSELECT 1;"),
                Arguments.of("a block comment", "/* VACUUM FULL orders; /* nested */ CLUSTER orders; */ SELECT 1;"),
                Arguments.of("a dollar-quoted function body", """
                        CREATE OR REPLACE FUNCTION purge() RETURNS void LANGUAGE plpgsql AS $fn$
                        BEGIN
                          TRUNCATE orders;
                          ALTER TABLE orders RENAME TO old_orders;
                          CREATE INDEX i ON orders (id);
                        END;
                        $fn$;"""),
                Arguments.of("a DO block", """
                        DO $$
                        BEGIN
                          EXECUTE 'ALTER TABLE orders ADD COLUMN x int NOT NULL';
                          LOCK TABLE orders;
                        END
                        $$;"""),
                Arguments.of("a quoted identifier", "CREATE TABLE \"DROP TABLE x\" (\"VACUUM FULL\" int);"),
                Arguments.of("the new rules' keywords in a string", "INSERT INTO audit VALUES ('DROP DATABASE x; TRUNCATE orders CASCADE; REINDEX TABLE orders; COMMIT');"),
                Arguments.of("transaction control in comments", "-- BEGIN;\n/* DROP INDEX i; ALTER DOMAIN d SET NOT NULL; */\n-- COMMIT;\nSELECT 1;"),
                Arguments.of("a plpgsql body with BEGIN, END and locking statements", """
                        CREATE FUNCTION cleanup() RETURNS void LANGUAGE plpgsql AS $body$
                        BEGIN
                          DROP INDEX orders_idx;
                          UPDATE orders SET x = 1;
                          ALTER TABLE orders ALTER COLUMN x DROP NOT NULL;
                          REINDEX TABLE orders;
                        END;
                        $body$;"""),
                Arguments.of("a DO block with a backfill", """
                        DO $$
                        BEGIN
                          ALTER TABLE orders ADD COLUMN code text DEFAULT make_code() UNIQUE;
                          UPDATE orders SET code = 'x';
                          TRUNCATE orders CASCADE;
                        END
                        $$;"""),
                Arguments.of("a table created earlier in the same file", """
                        CREATE TABLE measurements (id int, at date) PARTITION BY RANGE (at);
                        ALTER TABLE measurements ADD COLUMN code text DEFAULT make_code() UNIQUE,
                            ADD COLUMN customer_id bigint REFERENCES customers (id);
                        ALTER TABLE measurements ADD CONSTRAINT pos CHECK (id > 0) NOT VALID;
                        ALTER TABLE measurements VALIDATE CONSTRAINT pos;
                        ALTER TABLE measurements ALTER COLUMN id DROP NOT NULL;
                        ALTER TABLE measurements DETACH PARTITION measurements_2020;
                        UPDATE measurements SET code = 'x';
                        REINDEX TABLE measurements;
                        TRUNCATE measurements;"""),
                Arguments.of("the repository's migrations' shape", """
                        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL);
                        CREATE INDEX orders_customer_idx ON orders (customer_id);
                        ALTER TABLE orders ADD COLUMN note text NOT NULL;
                        ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES customers (id);
                        ALTER TABLE orders ALTER COLUMN note TYPE varchar(100), ALTER COLUMN note SET NOT NULL;
                        ALTER TABLE orders ADD CONSTRAINT u UNIQUE (note);
                        ALTER TABLE orders RENAME COLUMN note TO remark;
                        ALTER TABLE orders DROP COLUMN remark;
                        TRUNCATE orders;
                        DROP TABLE orders;"""));
    }

    @ParameterizedTest(name = "no finding in {0}")
    @MethodSource("traps")
    void keywords_inside_strings_comments_bodies_or_a_new_table_are_no_finding(String trap, String sql) {
        assertThat(lint(sql)).as(sql).isEmpty();
    }

    @Test
    void a_table_created_later_in_the_file_does_not_excuse_an_earlier_statement() {
        assertThat(lint("CREATE INDEX i ON orders (id);\nCREATE TABLE orders (id int);"))
                .extracting(Finding::rule).containsExactly("create-index-non-concurrent");
    }

    @Test
    void every_action_of_one_alter_table_is_judged() {
        assertThat(lint("ALTER TABLE orders ALTER COLUMN a TYPE text, ALTER COLUMN b SET NOT NULL, DROP COLUMN c;"))
                .extracting(Finding::rule).containsExactly("alter-column-type", "set-not-null", "drop-column");
    }

    @Test
    void several_actions_of_one_kind_in_one_statement_are_one_finding() {
        assertThat(lint("ALTER TABLE orders ADD COLUMN a int NOT NULL, ADD COLUMN b int NOT NULL,"
                + " ADD COLUMN c int NOT NULL;")).singleElement().satisfies(f -> {
                    assertThat(f.rule()).isEqualTo("add-column-not-null-no-default");
                    assertThat(f.message()).startsWith("ADD COLUMN a NOT NULL").endsWith("(2 more like it in this statement)");
                });
    }

    @Test
    void messages_name_the_table_and_the_safe_pattern() {
        Finding finding = lint("CREATE INDEX orders_idx ON shop.orders (placed_at);").get(0);
        assertThat(finding.message()).contains("shop.orders", "SHARE lock", "CREATE INDEX CONCURRENTLY");
        assertThat(finding.describe()).startsWith("V9__test.sql:1: error create-index-non-concurrent: ");
    }

    @Test
    void every_rule_has_a_unique_kebab_case_id_a_summary_and_a_positive_case() {
        List<String> covered = positives().map(a -> (String) a.get()[0]).distinct().toList();
        assertThat(Rules.all()).extracting(Rule::id).doesNotHaveDuplicates()
                .allMatch(id -> id.matches("[a-z]+(-[a-z]+)*"))
                .containsExactlyInAnyOrderElementsOf(covered);
        assertThat(Rules.all()).allSatisfy(rule -> assertThat(rule.summary()).isNotBlank());
    }
}
