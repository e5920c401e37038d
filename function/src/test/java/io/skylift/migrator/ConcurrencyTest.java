package io.skylift.migrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.testkit.LambdaContext;
import io.skylift.migrator.testkit.PostgresExtension;
import io.skylift.migrator.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class ConcurrencyTest {

    @Test
    void three_invocations_at_once_all_succeed_and_apply_each_migration_exactly_once(TestDatabase database)
            throws Exception {
        try (MigratorFixture fixture = new MigratorFixture(database)) {
            // A migration slow enough that the three really overlap.
            fixture.migration("V5__backfill.sql", "SELECT pg_sleep(1.5);");
            CountDownLatch start = new CountDownLatch(1);
            List<Future<JsonNode>> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
                for (int i = 0; i < 3; i++) {
                    // Three separate functions, as a custom resource, the pipeline and an operator would be.
                    MigratorHandler handler = fixture.handler();
                    results.add(pool.submit(() -> {
                        start.await();
                        return MigratorFixture.invokeJson(handler, "{\"command\": \"migrate\"}");
                    }));
                }
                start.countDown();
                int applied = 0;
                for (Future<JsonNode> result : results) {
                    JsonNode json = result.get();
                    assertThat(json.get("success").asBoolean()).isTrue();
                    assertThat(json.get("schemaVersion").asText()).isEqualTo("5");
                    applied += json.get("migrationsApplied").asInt();
                }
                assertThat(applied).as("each migration applied by exactly one of them").isEqualTo(6);
            }
            List<Map<String, Object>> perScript = database.query(
                    "SELECT script, count(*) AS n FROM flyway_schema_history GROUP BY script HAVING count(*) > 1");
            assertThat(perScript).as("no migration recorded twice").isEmpty();
            assertThat(database.schemaHistory()).hasSize(6);
        }
    }

    @Test
    void waiting_for_another_invocations_lock_is_bounded_by_the_deadline(TestDatabase database) throws Exception {
        try (MigratorFixture fixture = new MigratorFixture(database)) {
            fixture.migration("V5__backfill.sql", "SELECT pg_sleep(8);");
            try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
                Future<JsonNode> holder = pool.submit(() -> MigratorFixture.invokeJson(fixture.handler(), "{}"));
                // Wait until the first one runs V5, holding the lock.
                long until = System.nanoTime() + 20_000_000_000L;
                while (database.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(8)%' "
                        + "AND pid <> pg_backend_pid()").isEmpty() && System.nanoTime() < until) {
                    Thread.sleep(50);
                }
                fixture.environment.put("DEADLINE_MARGIN_MS", "3000");
                LambdaContext context = LambdaContext.withTimeLeft(Duration.ofSeconds(5));
                assertThatThrownBy(
                                () -> MigratorFixture.invoke(fixture.handler(), "{}", context))
                        .isInstanceOf(InvocationFailedException.class)
                        .hasMessageContaining("before the Lambda deadline");
                assertThat(context.getRemainingTimeInMillis()).as("gave up before the Lambda deadline").isPositive();
                assertThat(holder.get().get("schemaVersion").asText()).as("the lock holder was not disturbed")
                        .isEqualTo("5");
            }
        }
    }
}
