package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invokeJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.drift.SchemaReference;
import io.skylift.migrator.testkit.CapturedOutput;
import io.skylift.migrator.testkit.PostgresExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code drift} against a real PostgreSQL migrated with the repository's migrations: no drift after migrating; each
 * kind of object changed by hand is found and named; the same change made by a migration is not drift; a no-op
 * migrate keeps the drift visible; drift changes nothing and runs as a role that can only read.
 */
@ExtendWith({PostgresExtension.class, MigratorFixtureExtension.class})
class DriftTest {
    /** Objects some changes need, created by a migration (so they are in the reference). */
    private static final String SUPPORT = """
            CREATE SEQUENCE invoice_numbers;
            CREATE TYPE order_channel AS ENUM ('web', 'store');
            CREATE FUNCTION order_total(order_id bigint) RETURNS bigint LANGUAGE sql STABLE
            AS $$
            SELECT total_cents
            FROM orders
            WHERE id = order_id
            $$;
            CREATE FUNCTION touch_order() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.placed_at := now();
                RETURN NEW;
            END
            $$;
            CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch_order();
            """;

    private MigratorFixture fixture;

    @BeforeEach
    void setUp(MigratorFixture fixture) {
        this.fixture = fixture;
        fixture.migration("V5__support_objects.sql", SUPPORT);
    }

    /**
     * A change made outside the migrations and the difference it must show.
     *
     * @param sql    the change, run by hand (and, for {@link #the_same_change_made_by_a_migration_is_not_drift}, as a
     *               migration)
     * @param object the difference's object
     * @param change added, removed or changed
     * @param detail what the detail must say
     */
    record Change(String kind, String sql, String object, String change, String detail) {
        @Override
        public String toString() {
            return kind;
        }
    }

    static Stream<Change> changes() {
        return Stream.of(
                new Change("schema", "CREATE SCHEMA reporting", "schema reporting", "added", "not in the reference"),
                new Change("table", "CREATE TABLE audit_log (id bigint, note text)", "table public.audit_log", "added",
                        "persistence logged"),
                new Change("column added", "ALTER TABLE orders ADD COLUMN note text", "column public.orders.note",
                        "added", "type text; nullability null"),
                new Change("column removed", "ALTER TABLE customers DROP COLUMN full_name",
                        "column public.customers.full_name", "removed", "type text; nullability not null"),
                new Change("column type", "ALTER TABLE orders ALTER COLUMN currency TYPE varchar(3)",
                        "column public.orders.currency", "changed", "type was character(3), now character varying(3)"),
                new Change("column nullability", "ALTER TABLE customers ALTER COLUMN full_name DROP NOT NULL",
                        "column public.customers.full_name", "changed", "nullability was not null, now null"),
                new Change("column default", "ALTER TABLE orders ALTER COLUMN currency SET DEFAULT 'USD'",
                        "column public.orders.currency", "changed", "default was 'EUR'::bpchar, now 'USD'::bpchar"),
                new Change("primary key", "ALTER TABLE order_statuses DROP CONSTRAINT order_statuses_pkey CASCADE",
                        "primary key public.order_statuses.order_statuses_pkey", "removed", "PRIMARY KEY (code)"),
                new Change("foreign key", "ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey",
                        "foreign key public.orders.orders_customer_id_fkey", "removed",
                        "FOREIGN KEY (customer_id) REFERENCES customers(id) ON DELETE RESTRICT"),
                new Change("unique", "ALTER TABLE orders ADD CONSTRAINT orders_placed_unique UNIQUE (customer_id,"
                        + " placed_at)", "unique public.orders.orders_placed_unique", "added",
                        "UNIQUE (customer_id, placed_at)"),
                new Change("check", "ALTER TABLE orders DROP CONSTRAINT orders_total_not_negative, ADD CONSTRAINT"
                        + " orders_total_not_negative CHECK (total_cents > 0)",
                        "check public.orders.orders_total_not_negative", "changed",
                        "definition was CHECK ((total_cents >= 0)), now CHECK ((total_cents > 0))"),
                new Change("exclusion", "ALTER TABLE customers ADD CONSTRAINT customers_one_name EXCLUDE USING btree"
                        + " (full_name WITH =)", "exclusion public.customers.customers_one_name", "added",
                        "EXCLUDE USING btree (full_name WITH =)"),
                new Change("index added", "CREATE INDEX orders_status_idx ON orders (status)",
                        "index public.orders_status_idx", "added",
                        "CREATE INDEX orders_status_idx ON public.orders USING btree (status)"),
                new Change("index changed", "DROP INDEX orders_customer_placed_idx;"
                        + " CREATE INDEX orders_customer_placed_idx ON orders (customer_id)",
                        "index public.orders_customer_placed_idx", "changed",
                        "definition was CREATE INDEX orders_customer_placed_idx ON public.orders USING btree"
                                + " (customer_id, placed_at DESC), now CREATE INDEX orders_customer_placed_idx ON"
                                + " public.orders USING btree (customer_id)"),
                new Change("view", """
                        CREATE OR REPLACE VIEW customer_order_totals AS
                        SELECT c.id AS customer_id, c.email, count(o.id) AS orders,
                               coalesce(sum(o.total_cents), 0) AS total_cents
                        FROM customers c
                        LEFT JOIN orders o ON o.customer_id = c.id AND o.status <> 'delivered'
                        GROUP BY c.id, c.email""", "view public.customer_order_totals", "changed",
                        "definition changed at line 6: was LEFT JOIN orders o ON (((o.customer_id = c.id) AND (o.status <>"
                                + " 'cancelled'::text)))), now LEFT JOIN orders o ON (((o.customer_id = c.id) AND"
                                + " (o.status <> 'delivered'::text))))"),
                new Change("materialized view", "CREATE MATERIALIZED VIEW daily_orders AS SELECT placed_at::date AS"
                        + " day, count(*) AS orders FROM orders GROUP BY 1", "materialized view public.daily_orders",
                        "added", "definition SELECT"),
                new Change("function body", """
                        CREATE OR REPLACE FUNCTION order_total(order_id bigint) RETURNS bigint LANGUAGE sql STABLE
                        AS $$
                        SELECT total_cents * 2
                        FROM orders
                        WHERE id = order_id
                        $$""", "function public.order_total(order_id bigint)", "changed",
                        "definition changed at line 6: was SELECT total_cents, now SELECT total_cents * 2"),
                new Change("procedure", "CREATE PROCEDURE archive_orders() LANGUAGE sql AS 'DELETE FROM orders"
                        + " WHERE false'", "procedure public.archive_orders()", "added", "CREATE OR REPLACE PROCEDURE"),
                new Change("trigger added", "CREATE TRIGGER orders_touch_insert BEFORE INSERT ON orders FOR EACH ROW"
                        + " EXECUTE FUNCTION touch_order()", "trigger public.orders.orders_touch_insert", "added",
                        "CREATE TRIGGER orders_touch_insert BEFORE INSERT ON public.orders"),
                new Change("trigger disabled", "ALTER TABLE orders DISABLE TRIGGER orders_touch",
                        "trigger public.orders.orders_touch", "changed", "enabled was enabled, now disabled"),
                new Change("sequence", "ALTER SEQUENCE invoice_numbers INCREMENT BY 10",
                        "sequence public.invoice_numbers", "changed", "increment was 1, now 10"),
                new Change("enum", "ALTER TYPE order_channel ADD VALUE 'phone'", "enum public.order_channel",
                        "changed", "labels was 'web', 'store', now 'web', 'store', 'phone'"),
                new Change("domain", "CREATE DOMAIN cents AS bigint NOT NULL CHECK (VALUE >= 0)",
                        "domain public.cents", "added", "type bigint; nullability not null"),
                new Change("extension", "CREATE EXTENSION pg_trgm", "extension pg_trgm", "added",
                        "schema public"));
    }

    private JsonNode drift() {
        return invokeJson(fixture.handler(), "{\"command\":\"drift\"}");
    }

    private JsonNode migrate() {
        return invokeJson(fixture.handler(), "{\"command\":\"migrate\"}");
    }

    private static List<String> objects(JsonNode drift) {
        List<String> objects = new ArrayList<>();
        drift.get("differences").forEach(d -> objects.add(d.get("object").asText() + " " + d.get("change").asText()));
        return objects;
    }

    @Test
    void after_migrating_there_is_no_drift_and_the_reference_is_the_migrated_version() {
        JsonNode migrated = migrate();
        assertThat(migrated.get("messages").toString()).contains("drift reference taken at schema version 5");

        JsonNode drift = drift();

        assertThat(drift.get("command").asText()).isEqualTo("drift");
        assertThat(drift.get("success").asBoolean()).isTrue();
        assertThat(drift.get("schemaVersion").asText()).isEqualTo("5");
        assertThat(drift.get("drift").asBoolean()).as(drift.toString()).isFalse();
        assertThat(drift.get("differences")).isEmpty();
        assertThat(drift.get("note").isNull()).isTrue();
        assertThat(drift.get("reference").get("schemaVersion").asText()).isEqualTo("5");
        assertThat(drift.get("reference").get("takenAt").asText()).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void a_change_made_outside_the_migrations_is_found_and_named(Change change) {
        migrate();

        fixture.database.execute(change.sql());
        JsonNode drift = drift();

        assertThat(drift.get("drift").asBoolean()).as(drift.toString()).isTrue();
        assertThat(objects(drift)).as(drift.toString()).contains(change.object() + " " + change.change());
        JsonNode difference = find(drift, change.object());
        assertThat(difference.get("detail").asText()).contains(change.detail());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void the_same_change_made_by_a_migration_is_not_drift(Change change) {
        migrate();

        fixture.migration("V6__on_purpose.sql", change.sql() + ";\n");
        assertThat(migrate().get("migrationsApplied").asInt()).isEqualTo(1);
        JsonNode drift = drift();

        assertThat(drift.get("drift").asBoolean()).as(drift.toString()).isFalse();
        assertThat(drift.get("reference").get("schemaVersion").asText()).isEqualTo("6");
    }

    @Test
    void a_migration_that_makes_a_hand_made_change_its_own_clears_the_drift() {
        migrate();
        fixture.database.execute("CREATE INDEX orders_status_idx ON orders (status)");
        assertThat(objects(drift())).containsExactly("index public.orders_status_idx added");

        fixture.migration("V6__index_order_status.sql", "CREATE INDEX IF NOT EXISTS orders_status_idx ON orders"
                + " (status);\n");
        migrate();

        assertThat(drift().get("drift").asBoolean()).isFalse();
    }

    @Test
    void a_migrate_with_nothing_to_apply_keeps_the_drift_visible_and_repair_accepts_it() {
        migrate();
        fixture.database.execute("ALTER TABLE orders ADD COLUMN note text");

        JsonNode noOp = migrate();
        assertThat(noOp.get("migrationsApplied").asInt()).isZero();
        assertThat(objects(drift())).as("a deploy that applies nothing does not bless the drift")
                .containsExactly("column public.orders.note added");

        invokeJson(fixture.handler(), "{\"command\":\"repair\"}");
        assertThat(drift().get("drift").asBoolean()).as("repair retakes the reference").isFalse();
    }

    @Test
    void data_temporary_tables_flyways_history_and_sequence_values_are_not_drift() {
        migrate();
        fixture.database.execute("INSERT INTO customers (email, full_name) VALUES ('a@example.com', 'A')");
        fixture.database.execute("SELECT nextval('invoice_numbers')");
        fixture.database.execute("CREATE INDEX flyway_history_script_idx ON flyway_schema_history (script)");
        fixture.database.execute("ANALYZE");

        assertThat(drift().get("differences")).isEmpty();
    }

    @Test
    void an_extensions_own_objects_are_not_listed_only_the_extension() {
        migrate();
        fixture.database.execute("CREATE EXTENSION pg_trgm");

        assertThat(objects(drift())).containsExactly("extension pg_trgm added");
    }

    @Test
    void a_database_migrated_before_drift_existed_answers_no_drift_with_a_note_and_the_next_migrate_takes_it() {
        migrate();
        fixture.database.execute("DROP TABLE " + SchemaReference.TABLE);
        fixture.database.execute("CREATE INDEX orders_status_idx ON orders (status)");

        JsonNode before = drift();
        assertThat(before.get("drift").asBoolean()).isFalse();
        assertThat(before.get("note").asText()).isEqualTo("no reference yet; taken at the next migrate (or repair)");
        assertThat(before.get("reference").isNull()).isTrue();
        assertThat(fixture.database.tableExists("public", SchemaReference.TABLE)).as("drift takes none").isFalse();

        JsonNode noOp = migrate();
        assertThat(noOp.get("messages").toString()).contains("drift reference taken at schema version 5");
        assertThat(drift().get("note").isNull()).isTrue();
        assertThat(drift().get("drift").asBoolean()).isFalse();
    }

    @Test
    void a_history_changed_by_something_else_is_no_comparison_rather_than_a_false_alarm() {
        migrate();
        fixture.database.execute("UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '5'");

        JsonNode drift = drift();

        assertThat(drift.get("drift").asBoolean()).isFalse();
        assertThat(drift.get("note").asText()).contains("schema history changed since the reference was taken at"
                + " version 5");
    }

    @Test
    void an_empty_database_has_no_history_and_so_no_drift() {
        JsonNode drift = drift();

        assertThat(drift.get("drift").asBoolean()).isFalse();
        assertThat(drift.get("schemaVersion").isNull()).isTrue();
        assertThat(drift.get("note").asText()).contains("no schema history");
        assertThat(fixture.database.tableExists("public", "flyway_schema_history")).isFalse();
    }

    @Test
    void drift_changes_nothing_as_a_role_that_can_only_read_and_its_metric_counts_the_differences() {
        migrate();
        fixture.database.execute("CREATE INDEX orders_status_idx ON orders (status)");
        fixture.database.execute("ALTER TABLE orders ALTER COLUMN currency SET DEFAULT 'USD'");
        String reader = fixture.database.databaseName() + "_reader";
        fixture.database.execute("CREATE ROLE " + reader + " LOGIN PASSWORD 'reader-Pa55'");
        try {
            fixture.database.execute("GRANT CONNECT ON DATABASE " + fixture.database.databaseName() + " TO " + reader);
            fixture.database.execute("GRANT USAGE ON SCHEMA public TO " + reader);
            fixture.database.execute("GRANT SELECT ON flyway_schema_history, " + SchemaReference.TABLE + " TO "
                    + reader);
            fixture.secrets.putSecret(MigratorFixture.DB_SECRET, readerSecret(reader));
            String before = checksum();

            JsonNode drift;
            String log;
            try (CapturedOutput output = CapturedOutput.start()) {
                drift = drift();
                log = output.out();
            }

            assertThat(checksum()).as("catalogs, history and reference unchanged").isEqualTo(before);
            assertThat(objects(drift)).containsExactly("column public.orders.currency changed",
                    "index public.orders_status_idx added");
            assertThat(log).contains("\"Name\":\"SchemaDrift\"", "\"SchemaDrift\":2", "\"schemaDrift\":2");

            fixture.database.execute("REVOKE SELECT ON " + SchemaReference.TABLE + " FROM " + reader);
            assertThatThrownBy(this::drift).hasMessageContaining("[DRIFT_UNREADABLE]")
                    .hasMessageContaining(SchemaReference.TABLE).hasMessageContaining("needs SELECT on both tables");
        } finally {
            fixture.database.execute("DROP OWNED BY " + reader);
            fixture.database.execute("DROP ROLE " + reader);
        }
    }

    @Test
    void drift_takes_no_payload_beyond_its_command() {
        assertThatThrownBy(() -> invokeJson(fixture.handler(),
                "{\"command\":\"drift\",\"migrations\":[{\"script\":\"V9__x.sql\",\"content\":\"SELECT 1;\"}]}"))
                .hasMessageContaining("\"migrations\" is for plan and lint only");
    }

    private String readerSecret(String reader) {
        return fixture.database.rdsSecretJson()
                .replace("\"username\":\"" + fixture.database.username() + "\"", "\"username\":\"" + reader + "\"")
                .replace("\"password\":\"" + fixture.database.password() + "\"", "\"password\":\"reader-Pa55\"");
    }

    /** The catalog rows that any schema change would touch, and every row of the history and the reference. */
    private String checksum() {
        return String.valueOf(fixture.database.query("""
                SELECT md5(string_agg(t, ',' ORDER BY t)) AS sum FROM (
                    SELECT concat_ws('|', c.oid, c.relname, c.relkind, c.relnamespace, c.xmin) FROM pg_class c
                    UNION ALL SELECT concat_ws('|', a.attrelid, a.attname, a.atttypid, a.attnotnull, a.xmin)
                        FROM pg_attribute a
                    UNION ALL SELECT concat_ws('|', p.oid, p.proname, p.xmin) FROM pg_proc p
                    UNION ALL SELECT h::text FROM flyway_schema_history h
                    UNION ALL SELECT r::text FROM skylift_schema_reference r) s(t)""").get(0).get("sum"));
    }

    private static JsonNode find(JsonNode drift, String object) {
        for (JsonNode difference : drift.get("differences")) {
            if (difference.get("object").asText().equals(object)) {
                return difference;
            }
        }
        throw new AssertionError("no difference for " + object + " in " + drift);
    }
}
