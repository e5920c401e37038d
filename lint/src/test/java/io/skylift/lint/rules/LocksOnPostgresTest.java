package io.skylift.lint.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skylift.lint.Finding;
import io.skylift.lint.Linter;
import io.skylift.migrator.testkit.PostgresExtension;
import io.skylift.migrator.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On a real PostgreSQL 17: the lock or the damage each rule warns about, with the migration's SQL run as Flyway runs a
 * transactional migration (one transaction, left open while the application tries its statement), and the rule's
 * verdict on that same SQL. The application's session has a short lock_timeout: "waits" means PostgreSQL answered
 * 55P03 (lock not available) instead of running the statement.
 */
@ExtendWith(PostgresExtension.class)
class LocksOnPostgresTest {
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private static void setUp(TestDatabase db) {
        db.execute("CREATE TABLE customers (id bigint PRIMARY KEY)");
        db.execute("CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total int, currency text)");
        db.execute("INSERT INTO customers SELECT g FROM generate_series(1, 100) g");
        db.execute("INSERT INTO orders SELECT g, g % 100 + 1, g, 'EUR' FROM generate_series(1, 1000) g");
        db.execute("CREATE INDEX orders_customer_idx ON orders (customer_id)");
    }

    /** The migration's statements in one open transaction, as Flyway runs them; closing it rolls back. */
    private static Connection migration(TestDatabase db, String... statements) throws SQLException {
        Connection connection = db.adminConnection();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
        return connection;
    }

    /** True when the application's {@code sql} has to wait for a lock (it gives up after 300 ms). */
    private static boolean applicationWaits(TestDatabase db, String sql) throws SQLException {
        try (Connection app = db.adminConnection(); Statement statement = app.createStatement()) {
            statement.execute("SET lock_timeout = '300ms'");
            statement.execute(sql);
            return false;
        } catch (SQLException e) {
            if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                return true;
            }
            throw e;
        }
    }

    private static List<String> rules(String sql) {
        return new Linter().lint("V9__x.sql", sql).stream().map(Finding::rule).toList();
    }

    @Test
    void validating_in_the_transaction_that_added_the_constraint_not_valid_blocks_writes_and_alone_it_does_not(
            TestDatabase db) throws SQLException {
        setUp(db);
        String add = "ALTER TABLE orders ADD CONSTRAINT total_pos CHECK (total >= 0) NOT VALID";
        String validate = "ALTER TABLE orders VALIDATE CONSTRAINT total_pos";
        try (Connection ignored = migration(db, add, validate)) {
            assertThat(applicationWaits(db, "INSERT INTO orders VALUES (5000, 1, 1, 'EUR')")).isTrue();
        }
        assertThat(rules(add + ";\n" + validate + ";")).containsExactly("validate-in-same-transaction");

        db.execute(add);
        try (Connection ignored = migration(db, validate)) {
            assertThat(applicationWaits(db, "INSERT INTO orders VALUES (5000, 1, 1, 'EUR')")).isFalse();
        }
        assertThat(rules(validate + ";")).isEmpty();
    }

    @Test
    void a_default_calling_a_volatile_user_function_rewrites_the_table_and_a_stable_one_does_not(TestDatabase db) {
        setUp(db);
        db.execute("CREATE FUNCTION make_code() RETURNS text LANGUAGE sql AS 'SELECT md5(random()::text)'");
        db.execute("CREATE FUNCTION region() RETURNS text LANGUAGE sql STABLE AS 'SELECT ''eu'''");
        Object before = relfilenode(db);
        db.execute("ALTER TABLE orders ADD COLUMN region text DEFAULT region()");
        assertThat(relfilenode(db)).as("a stable default is computed once and stored").isEqualTo(before);
        db.execute("ALTER TABLE orders ADD COLUMN code text DEFAULT make_code()");
        assertThat(relfilenode(db)).as("CREATE FUNCTION without a volatility is VOLATILE: every row rewritten")
                .isNotEqualTo(before);
        assertThat(db.query("SELECT count(DISTINCT code) AS n FROM orders")).containsExactly(Map.of("n", 1000L));
        assertThat(rules("ALTER TABLE orders ADD COLUMN code text DEFAULT make_code();"))
                .containsExactly("add-column-volatile-default");
    }

    private static Object relfilenode(TestDatabase db) {
        return db.query("SELECT relfilenode FROM pg_class WHERE relname = 'orders'").get(0).get("relfilenode");
    }

    @Test
    void every_function_of_the_allow_list_is_immutable_or_stable_in_postgresql(TestDatabase db) {
        List<String> volatileOnes = new ArrayList<>();
        for (String name : AddColumnVolatileDefaultRule.NON_VOLATILE) {
            List<Map<String, Object>> kinds = db.query("SELECT DISTINCT provolatile::text AS v FROM pg_proc"
                    + " WHERE proname = lower(?) AND pronamespace = 'pg_catalog'::regnamespace", name);
            if (kinds.stream().anyMatch(row -> "v".equals(row.get("v")))) {
                volatileOnes.add(name);
            }
        }
        assertThat(volatileOnes).as("built-ins with a volatile form").isEmpty();
        assertThat(db.query("SELECT provolatile::text AS v FROM pg_proc WHERE proname = 'gen_random_uuid'"))
                .as("the check can fail: a volatile built-in is seen as one").containsExactly(Map.of("v", "v"));
    }

    @Test
    void an_inline_references_in_add_column_locks_the_referenced_table_against_writes(TestDatabase db)
            throws SQLException {
        setUp(db);
        String sql = "ALTER TABLE orders ADD COLUMN referrer_id bigint REFERENCES customers (id)";
        try (Connection ignored = migration(db, sql)) {
            assertThat(applicationWaits(db, "INSERT INTO customers VALUES (5000)")).isTrue();
            assertThat(applicationWaits(db, "SELECT count(*) FROM orders")).isTrue();
        }
        assertThat(rules(sql + ";")).containsExactly("constraint-without-not-valid");
    }

    @Test
    void drop_index_without_concurrently_blocks_even_reads_of_its_table(TestDatabase db) throws SQLException {
        setUp(db);
        try (Connection ignored = migration(db, "DROP INDEX orders_customer_idx")) {
            assertThat(applicationWaits(db, "SELECT count(*) FROM orders")).isTrue();
        }
        assertThat(rules("DROP INDEX orders_customer_idx;")).containsExactly("drop-index-non-concurrent");
    }

    @Test
    void reindex_without_concurrently_blocks_writes_and_reindex_concurrently_is_refused_in_a_transaction(
            TestDatabase db) throws SQLException {
        setUp(db);
        try (Connection ignored = migration(db, "REINDEX INDEX orders_customer_idx")) {
            assertThat(applicationWaits(db, "INSERT INTO orders VALUES (5000, 1, 1, 'EUR')")).isTrue();
        }
        assertThat(rules("REINDEX INDEX orders_customer_idx;")).containsExactly("reindex-non-concurrent");
        assertThatThrownBy(() -> migration(db, "REINDEX INDEX CONCURRENTLY orders_customer_idx").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("cannot run inside a transaction block");
        assertThat(rules("REINDEX INDEX CONCURRENTLY orders_customer_idx;"))
                .containsExactly("concurrently-in-transaction");
    }

    @Test
    void detach_partition_without_concurrently_blocks_reads_of_the_partitioned_table(TestDatabase db)
            throws SQLException {
        db.execute("CREATE TABLE events (at date NOT NULL) PARTITION BY RANGE (at)");
        db.execute("CREATE TABLE events_2020 PARTITION OF events FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')");
        db.execute("CREATE TABLE events_2021 PARTITION OF events FOR VALUES FROM ('2021-01-01') TO ('2022-01-01')");
        String sql = "ALTER TABLE events DETACH PARTITION events_2020";
        try (Connection ignored = migration(db, sql)) {
            assertThat(applicationWaits(db, "SELECT count(*) FROM events")).isTrue();
        }
        assertThat(rules(sql + ";")).containsExactly("detach-partition-non-concurrent");
    }

    @Test
    void a_domain_constraint_added_or_validated_blocks_writes_to_every_table_using_the_domain(TestDatabase db)
            throws SQLException {
        db.execute("CREATE DOMAIN amount AS int");
        db.execute("CREATE TABLE payments (value amount)");
        db.execute("CREATE TABLE refunds (value amount)");
        String add = "ALTER DOMAIN amount ADD CONSTRAINT amount_pos CHECK (VALUE >= 0)";
        try (Connection ignored = migration(db, add)) {
            assertThat(applicationWaits(db, "INSERT INTO payments VALUES (1)")).isTrue();
            assertThat(applicationWaits(db, "INSERT INTO refunds VALUES (1)")).isTrue();
        }
        assertThat(rules(add + ";")).containsExactly("alter-domain-add-constraint");
        db.execute(add + " NOT VALID");
        try (Connection ignored = migration(db, "ALTER DOMAIN amount VALIDATE CONSTRAINT amount_pos")) {
            assertThat(applicationWaits(db, "INSERT INTO payments VALUES (1)"))
                    .as("as the message says: VALIDATE on a domain takes the same SHARE locks").isTrue();
        }
    }

    @Test
    void a_data_change_after_an_alter_holds_its_lock_and_a_statement_timeout_bounds_it(TestDatabase db)
            throws SQLException {
        setUp(db);
        String alter = "ALTER TABLE orders ADD COLUMN n int";
        String update = "UPDATE orders SET n = 0";
        try (Connection ignored = migration(db, alter, update)) {
            assertThat(applicationWaits(db, "SELECT count(*) FROM orders")).isTrue();
        }
        assertThat(rules(alter + ";\n" + update + ";")).containsExactly("data-change-under-lock");

        String slowUpdate = "UPDATE orders SET n = (SELECT 1 FROM pg_sleep(5))";
        long start = System.nanoTime();
        assertThatThrownBy(() -> migration(db, "SET LOCAL statement_timeout = '300ms'", alter, slowUpdate).close())
                .isInstanceOf(SQLException.class).hasMessageContaining("statement timeout");
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms the lock was held").isLessThan(3_000);
        assertThat(applicationWaits(db, "SELECT count(*) FROM orders")).isFalse();
        assertThat(rules("SET LOCAL statement_timeout = '300ms';\n" + alter + ";\n" + slowUpdate + ";")).isEmpty();
    }

    @Test
    void a_commit_inside_a_migration_leaves_what_came_before_it_when_a_later_statement_fails(TestDatabase db) {
        String sql = "CREATE TABLE first_half (id int); COMMIT; CREATE TABLE first_half (id int)";
        assertThatThrownBy(() -> migration(db, sql.split("; ")).close()).isInstanceOf(SQLException.class);
        assertThat(db.tableExists("public", "first_half")).as("committed although the migration failed").isTrue();
        assertThat(rules(sql + ";")).containsExactly("transaction-control");
    }

    @Test
    void set_not_null_scans_the_table_unless_a_valid_not_null_check_proves_it(TestDatabase db) throws SQLException {
        setUp(db);
        assertThat(debugMessages(db, "ALTER TABLE orders ALTER COLUMN total SET NOT NULL"))
                .anyMatch(m -> m.contains("verifying table \"orders\""));
        db.execute("ALTER TABLE orders ADD CONSTRAINT currency_nn CHECK (currency IS NOT NULL) NOT VALID");
        db.execute("ALTER TABLE orders VALIDATE CONSTRAINT currency_nn");
        assertThat(debugMessages(db, "ALTER TABLE orders ALTER COLUMN currency SET NOT NULL"))
                .anyMatch(m -> m.contains("sufficient to prove that it does not contain nulls"))
                .noneMatch(m -> m.contains("verifying table"));
    }

    /** The DEBUG1 messages PostgreSQL sends while running {@code sql}. */
    private static List<String> debugMessages(TestDatabase db, String sql) throws SQLException {
        List<String> messages = new ArrayList<>();
        try (Connection connection = db.adminConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SET client_min_messages = debug1");
            statement.execute(sql);
            for (SQLWarning w = statement.getWarnings(); w != null; w = w.getNextWarning()) {
                messages.add(w.getMessage());
            }
        }
        return messages;
    }

    @Test
    void truncate_cascade_empties_a_table_it_does_not_name(TestDatabase db) {
        setUp(db);
        db.execute("ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id)");
        db.execute("TRUNCATE customers CASCADE");
        assertThat(db.query("SELECT count(*) AS n FROM orders")).containsExactly(Map.of("n", 0L));
        assertThat(rules("TRUNCATE customers CASCADE;")).containsExactly("truncate-cascade");
    }
}
