package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invoke;
import static io.skylift.migrator.MigratorFixture.invokeJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.testkit.CapturedOutput;
import io.skylift.migrator.testkit.LambdaContext;
import io.skylift.migrator.testkit.OutputCaptureExtension;
import io.skylift.migrator.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A migration against a database the application is using: a second session plays the application (its own
 * {@code application_name}), a third one runs the application's ordinary queries.
 */
@ExtendWith({OutputCaptureExtension.class, PostgresExtension.class, MigratorFixtureExtension.class})
class LiveDatabaseTest {
    private static final String APPLICATION = "shop-api";
    private static final String ALTER_CUSTOMERS = "ALTER TABLE customers ADD COLUMN nickname text;";

    private MigratorFixture fixture;

    @BeforeEach
    void setUp(MigratorFixture fixture) {
        this.fixture = fixture;
        invokeJson(fixture.handler(), "{}");
        fixture.environment.put("DB_LOCK_TIMEOUT_MS", "1000");
    }

    /** A session of the application, with its own application_name, in a transaction that read customers. */
    private Connection applicationHoldingCustomers() throws SQLException {
        Connection application = applicationSession();
        application.setAutoCommit(false);
        try (Statement statement = application.createStatement()) {
            statement.execute("SELECT count(*) FROM customers");
        }
        return application;
    }

    private Connection applicationSession() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", fixture.database.username());
        props.setProperty("password", fixture.database.password());
        props.setProperty("ApplicationName", APPLICATION);
        return DriverManager.getConnection(fixture.database.jdbcUrl(), props);
    }

    private static int pid(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private boolean migratorWaitsForALock() {
        return !fixture.database.query("SELECT 1 FROM pg_stat_activity WHERE application_name = 'skylift-migrator' "
                + "AND wait_event_type = 'Lock'").isEmpty();
    }

    private static void await(BooleanSupplier condition, Duration atMost) throws InterruptedException {
        long until = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition reached in time").isLessThan(until);
            Thread.sleep(20);
        }
    }

    @Test
    void the_applications_queries_wait_at_most_about_the_lock_timeout_and_the_migration_completes_once_the_holder_commits(
            CapturedOutput output) throws Exception {
        fixture.environment.put("DB_LOCK_RETRIES", "20");
        fixture.migration("V5__add_nickname.sql", ALTER_CUSTOMERS);
        try (Connection application = applicationHoldingCustomers();
             Connection third = applicationSession();
             ExecutorService pool = Executors.newSingleThreadExecutor()) {
            Future<JsonNode> migration = pool.submit(() -> invokeJson(fixture.handler(), "{}"));
            await(this::migratorWaitsForALock, Duration.ofSeconds(30));

            // The third session's ordinary query queues behind the waiting ALTER, but only until its lock timeout.
            long worstMillis = 0;
            long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < until) {
                long start = System.nanoTime();
                try (Statement statement = third.createStatement()) {
                    statement.execute("SELECT count(*) FROM customers");
                }
                worstMillis = Math.max(worstMillis, (System.nanoTime() - start) / 1_000_000);
                Thread.sleep(100);
            }
            System.out.println("measured: the application's worst query wait while the migration retried: "
                    + worstMillis + " ms (lock timeout 1000 ms)");
            assertThat(worstMillis).as("the application's query waited at most about the lock timeout (1 s)")
                    .isBetween(1L, 1_800L);
            assertThat(migration.isDone()).as("the migration is still retrying").isFalse();

            application.commit();
            JsonNode result = migration.get(60, TimeUnit.SECONDS);
            assertThat(result.get("schemaVersion").asText()).isEqualTo("5");
            assertThat(result.get("migrationsApplied").asInt()).isEqualTo(1);
        }
        assertThat(fixture.database.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'customers' "
                + "AND column_name = 'nickname'")).hasSize(1);
        assertThat(output.out()).as("each retry is logged with the holder")
                .contains("Migration V5 (V5__add_nickname.sql) waited longer than the lock timeout (1000 ms)")
                .contains("application '" + APPLICATION + "'")
                .contains("Retry 1 of 20");
    }

    @Test
    void a_holder_that_never_lets_go_is_named_in_the_failed_reason_before_the_deadline() throws Exception {
        fixture.environment.put("DB_LOCK_RETRIES", "2");
        fixture.migration("V5__add_nickname.sql", ALTER_CUSTOMERS);
        try (Connection application = applicationHoldingCustomers()) {
            int holder = pid(application);
            LambdaContext context = LambdaContext.withTimeLeft(Duration.ofSeconds(40));
            invoke(fixture.handler(), fixture.cloudFormationEvent("Create", null), context);
            assertThat(context.getRemainingTimeInMillis()).as("answered well before the deadline")
                    .isGreaterThan(20_000);
            JsonNode answer = fixture.responseUrl.requests().getLast().json();
            String reason = answer.get("Reason").asText();
            assertThat(answer.get("Status").asText()).isEqualTo("FAILED");
            assertThat(reason)
                    .contains("Migration V5 (V5__add_nickname.sql) waited longer than the lock timeout (1000 ms")
                    .contains("3 times")
                    .contains("pid " + holder)
                    .contains("user " + fixture.database.username())
                    .contains("application '" + APPLICATION + "'")
                    .contains("idle in transaction")
                    .contains("transaction open")
                    .contains("PostgreSQL rolled this migration back")
                    .doesNotContain("SELECT count(*)");

            assertThatThrownBy(() -> invoke(fixture.handler(), "{}", LambdaContext.generous()))
                    .isInstanceOf(InvocationFailedException.class)
                    .hasMessageStartingWith("[MIGRATION_LOCK_TIMEOUT] Migration V5")
                    .hasMessageContaining("pid " + holder);
        }
        assertThat(fixture.database.schemaHistory()).as("nothing recorded for V5").hasSize(5);
    }

    @Test
    void the_session_holding_flyways_lock_is_named_when_the_deadline_ends_the_wait() throws Exception {
        fixture.migration("V5__backfill.sql", "SELECT pg_sleep(8);");
        try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
            Future<JsonNode> first = pool.submit(() -> invokeJson(fixture.handler(), "{}"));
            await(() -> !fixture.database.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(8)%' "
                    + "AND pid <> pg_backend_pid()").isEmpty(), Duration.ofSeconds(20));
            List<Map<String, Object>> lockHolder = fixture.database.query(
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted");
            assertThat(lockHolder).as("the first invocation holds Flyway's lock").hasSize(1);

            fixture.environment.put("DEADLINE_MARGIN_MS", "3000");
            LambdaContext context = LambdaContext.withTimeLeft(Duration.ofSeconds(6));
            invoke(fixture.handler(), fixture.cloudFormationEvent("Update", "shop-dev-SchemaMigration"), context);
            String reason = fixture.responseUrl.requests().getLast().json().get("Reason").asText();
            assertThat(reason).contains("waiting for Flyway's lock, held by pid " + lockHolder.get(0).get("pid"))
                    .contains("application 'skylift-migrator'");
            assertThat(context.getRemainingTimeInMillis()).as("answered before the deadline").isPositive();
            assertThat(first.get().get("schemaVersion").asText()).isEqualTo("5");
        }
    }

    @Test
    void another_tools_session_holding_flyways_lock_is_named_once_flyway_waits_for_it() throws Exception {
        fixture.migration("V5__add_nickname.sql", ALTER_CUSTOMERS);
        // Flyway's key for public.flyway_schema_history, as Flyway's command line run by an operator would take it.
        long flywayKey = 77431708279161L + "\"public\".\"flyway_schema_history\"".hashCode();
        try (Connection operator = applicationSession();
             Statement statement = operator.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + flywayKey + ")");
            int holder = pid(operator);
            fixture.environment.put("DEADLINE_MARGIN_MS", "3000");
            LambdaContext context = LambdaContext.withTimeLeft(Duration.ofSeconds(8));

            invoke(fixture.handler(), fixture.cloudFormationEvent("Update", "shop-dev-SchemaMigration"), context);

            String reason = fixture.responseUrl.requests().getLast().json().get("Reason").asText();
            assertThat(reason).contains("waiting for Flyway's lock, held by pid " + holder)
                    .contains("application '" + APPLICATION + "'");
        }
        assertThat(fixture.database.schemaHistory()).as("nothing recorded for V5").hasSize(5);
    }

    @Test
    void create_index_concurrently_waits_for_an_open_transaction_on_another_table_without_blocking_the_application()
            throws Exception {
        fixture.database.execute("INSERT INTO customers (email, full_name) SELECT 'c' || g || '@example.com', "
                + "'Customer ' || g FROM generate_series(1, 1000) AS g");
        fixture.migration("V5__index_customer_names.sql",
                "CREATE INDEX CONCURRENTLY customers_full_name_idx ON customers (full_name);");
        try (Connection application = applicationSession();
             Connection third = applicationSession();
             ExecutorService pool = Executors.newSingleThreadExecutor()) {
            application.setAutoCommit(false);
            try (Statement statement = application.createStatement()) {
                statement.execute("SELECT count(*) FROM order_statuses");
            }
            Future<JsonNode> migration = pool.submit(() -> Json.MAPPER.readTree(
                    invoke(fixture.handler(), "{}", LambdaContext.withTimeLeft(Duration.ofSeconds(60)))));
            // PostgreSQL makes a concurrent build wait for every older transaction, wherever it is.
            await(() -> !fixture.database.query("SELECT 1 FROM pg_stat_activity WHERE application_name = "
                    + "'skylift-migrator' AND wait_event = 'virtualxid'").isEmpty(), Duration.ofSeconds(30));

            long start = System.nanoTime();
            try (Statement statement = third.createStatement()) {
                statement.execute("INSERT INTO customers (email, full_name) VALUES ('new@example.com', 'New')");
                statement.execute("SELECT count(*) FROM customers WHERE full_name = 'New'");
            }
            assertThat((System.nanoTime() - start) / 1_000_000).as("the application writes and reads meanwhile")
                    .isLessThan(500);
            Thread.sleep(2_500); // longer than the 1 s lock timeout: the build must not give up on it
            assertThat(migration.isDone()).as("the build waits for the open transaction").isFalse();

            application.commit();
            JsonNode result = migration.get(30, TimeUnit.SECONDS);
            assertThat(result.get("schemaVersion").asText()).isEqualTo("5");
        }
        assertThat(fixture.database.query("SELECT indisvalid FROM pg_index WHERE indexrelid = "
                + "'customers_full_name_idx'::regclass")).containsExactly(Map.of("indisvalid", true));
        assertThat(fixture.database.query("SELECT setting FROM pg_settings WHERE name = 'lock_timeout'"))
                .as("the admin session is untouched").isNotEmpty();
    }

    @Test
    void in_a_non_transactional_migration_only_the_concurrently_statement_waits_past_the_lock_timeout()
            throws Exception {
        fixture.migration("V5__index_then_alter.sql", """
                CREATE INDEX CONCURRENTLY customers_full_name_idx ON customers (full_name);
                SELECT pg_sleep(3);
                ALTER TABLE order_statuses ADD COLUMN note text;
                """);
        fixture.migration("V5__index_then_alter.sql.conf", "executeInTransaction=false\n");
        try (Connection application = applicationSession();
             ExecutorService pool = Executors.newSingleThreadExecutor()) {
            Future<Throwable> migration = pool.submit(() -> org.assertj.core.api.Assertions.catchThrowable(() ->
                    invoke(fixture.handler(), "{}", LambdaContext.withTimeLeft(Duration.ofSeconds(60)))));
            // Once the index is built, the application takes a lock on the table the next statement alters.
            await(() -> !fixture.database.query("SELECT 1 FROM pg_stat_activity WHERE application_name = "
                    + "'skylift-migrator' AND state = 'active' AND query LIKE 'SELECT pg_sleep(3)%'").isEmpty(),
                    Duration.ofSeconds(30));
            application.setAutoCommit(false);
            try (Statement statement = application.createStatement()) {
                statement.execute("LOCK TABLE order_statuses IN ACCESS SHARE MODE");
            }
            int holder = pid(application);

            Throwable failure = migration.get(20, TimeUnit.SECONDS);

            assertThat(failure).as("the ALTER gave up after the lock timeout instead of queueing the application")
                    .isInstanceOf(InvocationFailedException.class)
                    .hasMessageStartingWith("[MIGRATION_LOCK_TIMEOUT] Migration V5 (V5__index_then_alter.sql) waited "
                            + "longer than the lock timeout (1000 ms")
                    .hasMessageContaining("pid " + holder)
                    .hasMessageContaining("ran outside a transaction");
            application.rollback();
        }
        assertThat(fixture.database.query("SELECT indisvalid FROM pg_index WHERE indexrelid = "
                + "'customers_full_name_idx'::regclass")).as("the concurrent build ran with its lock wait lifted")
                .containsExactly(Map.of("indisvalid", true));
        assertThat(fixture.database.query("SELECT 1 FROM information_schema.columns WHERE table_name = "
                + "'order_statuses' AND column_name = 'note'")).isEmpty();
    }

    @Test
    void a_migration_that_waits_for_no_lock_never_reads_the_lock_manager() throws Exception {
        fixture.migration("V5__backfill.sql", "SELECT pg_sleep(2);");
        boolean watched = false;
        List<String> lockQueries = new ArrayList<>();
        try (Connection admin = fixture.database.adminConnection();
             PreparedStatement sessions = admin.prepareStatement("SELECT query FROM pg_stat_activity WHERE "
                     + "application_name = 'skylift-migrator' AND query LIKE '%pg_stat_activity%'");
             ExecutorService pool = Executors.newSingleThreadExecutor()) {
            Future<JsonNode> migration = pool.submit(() -> invokeJson(fixture.handler(), "{}"));
            // The query column keeps a session's last statement while it is idle: the watch's session shows what it
            // asked last, between its samples too.
            while (!migration.isDone()) {
                try (ResultSet rows = sessions.executeQuery()) {
                    while (rows.next()) {
                        watched = true;
                        String query = rows.getString(1);
                        if (query.contains("pg_blocking_pids") || query.contains("pg_locks")) {
                            lockQueries.add(query);
                        }
                    }
                }
                Thread.sleep(10);
            }
            assertThat(migration.get().get("schemaVersion").asText()).isEqualTo("5");
        }
        assertThat(watched).as("the lock watch ran during the migration").isTrue();
        assertThat(lockQueries).as("no pg_blocking_pids or pg_locks query while nothing waited for a lock").isEmpty();
    }

    @Test
    void three_invocations_at_once_stay_safe_with_a_concurrent_index_build() throws Exception {
        fixture.database.execute("INSERT INTO customers (email, full_name) SELECT 'c' || g || '@example.com', "
                + "'Customer ' || g FROM generate_series(1, 1000) AS g");
        fixture.migration("V5__slow.sql", "SELECT pg_sleep(1);");
        fixture.migration("V6__index_customer_names.sql",
                "CREATE INDEX CONCURRENTLY customers_full_name_idx ON customers (full_name);");
        fixture.migration("V7__add_nickname.sql", ALTER_CUSTOMERS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<JsonNode>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
            for (int i = 0; i < 3; i++) {
                MigratorHandler handler = fixture.handler();
                results.add(pool.submit(() -> {
                    start.await();
                    return Json.MAPPER.readTree(invoke(handler, "{}", LambdaContext.withTimeLeft(Duration.ofSeconds(90))));
                }));
            }
            start.countDown();
            int applied = 0;
            for (Future<JsonNode> result : results) {
                JsonNode json = result.get(120, TimeUnit.SECONDS);
                assertThat(json.get("schemaVersion").asText()).isEqualTo("7");
                applied += json.get("migrationsApplied").asInt();
            }
            assertThat(applied).as("each new migration applied by exactly one of them").isEqualTo(3);
        }
        assertThat(fixture.database.query("SELECT indisvalid FROM pg_index WHERE indexrelid = "
                + "'customers_full_name_idx'::regclass")).containsExactly(Map.of("indisvalid", true));
        assertThat(fixture.database.schemaHistory()).hasSize(8);
    }
}
