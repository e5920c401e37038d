package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invokeJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.skylift.migrator.testkit.PostgresExtension;

/**
 * How long a warm {@code drift} takes, through the handler as Lambda calls it, against the TLS PostgreSQL of the test
 * kit: on the repository's migrations, and on a generated schema of 1,000 tables with keys, foreign keys, unique and
 * check constraints and indexes. Each prints its figures (cold first call, then the median and maximum of the warm
 * ones) for docs/behaviour.md (Drift).
 */
@ExtendWith({PostgresExtension.class, MigratorFixtureExtension.class})
class DriftSpeedTest {
    private static final int WARM_RUNS = 9;

    @Test
    void a_warm_drift_on_the_repositorys_migrations_answers_well_under_a_second(MigratorFixture fixture) {
        MigratorHandler handler = fixture.handler();
        invokeJson(handler, "{\"command\":\"migrate\"}");

        Timings timings = measure(handler);

        System.out.println("drift, repository migrations: " + timings);
        assertThat(timings.medianMs()).as(timings.toString()).isLessThan(1_000);
    }

    @Test
    void a_warm_drift_on_a_thousand_tables_with_indexes_and_constraints_answers_under_five_seconds(
            MigratorFixture fixture) {
        fixture.migration("V5__a_thousand_tables.sql", thousandTables());
        MigratorHandler handler = fixture.handler();
        invokeJson(handler, "{\"command\":\"migrate\"}");
        long objects = (Long) fixture.database.query("SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE n.nspname = 'public'").get(0).get("n");

        Timings timings = measure(handler);

        System.out.println("drift, 1,000 generated tables (" + objects + " relations): " + timings);
        assertThat(objects).as("tables, their indexes and sequences").isGreaterThan(3_000);
        assertThat(timings.medianMs()).as(timings.toString()).isLessThan(5_000);
    }

    /** One table per number: a key, a foreign key to the one before, a unique and a check constraint, an index. */
    private static String thousandTables() {
        StringBuilder sql = new StringBuilder();
        for (int n = 1; n <= 1_000; n++) {
            sql.append("CREATE TABLE items_").append(n).append(" (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,")
                    .append(" sku text NOT NULL, price_cents bigint NOT NULL DEFAULT 0, note text,")
                    .append(n > 1 ? " parent_id bigint REFERENCES items_" + (n - 1) + " (id)," : "")
                    .append(" CONSTRAINT items_").append(n).append("_sku_unique UNIQUE (sku),")
                    .append(" CONSTRAINT items_").append(n).append("_price_positive CHECK (price_cents >= 0));\n")
                    .append("CREATE INDEX items_").append(n).append("_price_idx ON items_").append(n)
                    .append(" (price_cents);\n");
        }
        return sql.toString();
    }

    private record Timings(long coldMs, long medianMs, long maxMs, int differences) {
        @Override
        public String toString() {
            return "first call " + coldMs + " ms, warm median " + medianMs + " ms, warm max " + maxMs + " ms ("
                    + WARM_RUNS + " warm runs, " + differences + " differences)";
        }
    }

    private static Timings measure(MigratorHandler handler) {
        long cold = timeDrift(handler);
        List<Long> warm = new ArrayList<>();
        int differences = 0;
        for (int run = 0; run < WARM_RUNS; run++) {
            long start = System.nanoTime();
            JsonNode drift = invokeJson(handler, "{\"command\":\"drift\"}");
            warm.add((System.nanoTime() - start) / 1_000_000);
            assertThat(drift.get("drift").asBoolean()).as(drift.toString()).isFalse();
            differences += drift.get("differences").size();
        }
        warm.sort(null);
        return new Timings(cold, warm.get(warm.size() / 2), warm.get(warm.size() - 1), differences);
    }

    private static long timeDrift(MigratorHandler handler) {
        long start = System.nanoTime();
        invokeJson(handler, "{\"command\":\"drift\"}");
        return (System.nanoTime() - start) / 1_000_000;
    }
}
