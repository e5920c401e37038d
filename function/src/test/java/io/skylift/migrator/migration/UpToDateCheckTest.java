package io.skylift.migrator.migration;

import io.skylift.migrator.failure.MigrationFailedException;
import static org.assertj.core.api.Assertions.assertThat;

import io.skylift.migrator.config.Settings;
import io.skylift.migrator.invocation.Command;
import io.skylift.migrator.invocation.DirectRequest;
import io.skylift.migrator.testkit.PostgresExtension;
import io.skylift.migrator.testkit.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The fast path against Flyway itself, on a real PostgreSQL: in every state of the schema history, either the check
 * declines (and Flyway decides, as before), or it answers exactly what Flyway's {@code migrate} then answers, with
 * nothing applied. The states cover what can make Flyway act or fail on a deploy: pending, changed and failed
 * migrations, repeatables and their placeholders, out-of-order, ignored and future versions, callbacks.
 */
@ExtendWith(PostgresExtension.class)
class UpToDateCheckTest {
    private static final String APP_PASSWORD = "s3cret-from-a-secret";

    @TempDir
    Path location;
    private TestDatabase database;
    private final Map<String, String> environment = new HashMap<>();
    private final Map<String, String> secretPlaceholders = new HashMap<>();

    @BeforeEach
    void setUp(TestDatabase database) throws IOException {
        this.database = database;
        environment.put("FLYWAY_URL", database.baseJdbcUrl());
        environment.put("DB_SSL_ROOT_CERT", database.caCertificate().toString());
        environment.put("FLYWAY_USER", database.username());
        environment.put("FLYWAY_PASSWORD", database.password());
        environment.put("FLYWAY_LOCATIONS", "filesystem:" + location);
        environment.put("FLYWAY_PLACEHOLDERS_REGION", "eu");
        secretPlaceholders.put("app_password", APP_PASSWORD);
        write("V1__create_customers.sql", "CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL);\n");
        write("V2__create_orders.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\n");
        // A placeholder in a versioned migration: Flyway's checksum is of the file as written.
        write("V3__app_role_comment.sql", "COMMENT ON TABLE orders IS 'orders (${app_password}), ${region}';\n");
        // A placeholder in a repeatable migration: Flyway's checksum is after replacement.
        write("R__order_totals.sql", "CREATE OR REPLACE VIEW order_totals AS\n"
                + "SELECT customer_id, count(*) AS orders, '${region}' AS region FROM orders GROUP BY customer_id;\n");
    }

    // ---- the states in which the fast path answers ----

    @Test
    void a_fully_migrated_database_is_up_to_date_and_flyway_agrees_with_the_same_report() {
        flywayMigrate();

        Decision decision = decide();

        assertThat(decision.fast()).as("fast path").isPresent();
        assertThat(decision.fast().get().schemaVersion()).isEqualTo("3");
        decision.assertSameAsFlyway();
    }

    @Test
    void a_changed_placeholder_value_in_a_versioned_migration_does_not_make_it_pending() {
        flywayMigrate();
        secretPlaceholders.put("app_password", "rotated-password");

        Decision decision = decide();

        assertThat(decision.fast()).isPresent();
        decision.assertSameAsFlyway();
    }

    @Test
    void subfolders_crlf_line_endings_a_byte_order_mark_and_unicode_resolve_to_flyways_checksums() {
        write("more/V4__crlf_and_bom.sql", "\uFEFF-- CRLF, BOM, ünïcødé ✓\r\nCREATE TABLE t4 (id int);\r\n");
        write("more/V5__cr_only_no_final_newline.sql", "-- old Mac line endings\rCREATE TABLE t5 (id int);");
        // Flyway's reader leaves "$${region}" alone but replaces "${region}": the checksum must follow it exactly.
        write("R__dollar_quoted.sql", "CREATE OR REPLACE FUNCTION f() RETURNS text LANGUAGE sql AS\n"
                + "$body$ SELECT '${region}' || '$${region}' $body$;\n");
        flywayMigrate();

        Decision decision = decide();

        assertThat(decision.fast()).isPresent();
        decision.assertSameAsFlyway();
    }

    @Test
    void a_repeatable_migration_reapplied_several_times_is_judged_by_its_latest_run() {
        flywayMigrate();
        write("R__order_totals.sql", "DROP VIEW IF EXISTS order_totals;\nCREATE VIEW order_totals AS SELECT 1 AS one;\n");
        flywayMigrate();
        write("R__order_totals.sql", "DROP VIEW IF EXISTS order_totals;\nCREATE VIEW order_totals AS SELECT 2 AS two;\n");
        flywayMigrate();

        Decision decision = decide();

        assertThat(database.schemaHistory()).hasSize(6);
        assertThat(decision.fast()).isPresent();
        decision.assertSameAsFlyway();
    }

    @Test
    void only_repeatable_migrations_report_no_version_like_flyway() throws IOException {
        for (String file : new String[] {"V1__create_customers.sql", "V2__create_orders.sql", "V3__app_role_comment.sql"}) {
            Files.delete(location.resolve(file));
        }
        write("R__order_totals.sql", "CREATE OR REPLACE VIEW answer AS SELECT 42 AS answer;\n");
        flywayMigrate();

        Decision decision = decide();

        assertThat(decision.fast()).isPresent();
        assertThat(decision.fast().get().schemaVersion()).isNull();
        decision.assertSameAsFlyway();
    }

    // ---- the states in which it declines, and what Flyway then does ----

    @Test
    void an_empty_database_is_left_to_flyway_which_applies_everything() {
        Decision decision = decide();

        assertThat(decision.fast()).isEmpty();
        assertThat(decision.flyway().migrationsApplied()).isEqualTo(4);
    }

    @Test
    void a_new_versioned_migration_is_pending() {
        flywayMigrate();
        write("V4__add_index.sql", "CREATE INDEX orders_customer ON orders (customer_id);\n");

        Decision decision = decide();

        assertThat(decision.fast()).isEmpty();
        assertThat(decision.flyway().migrationsApplied()).isEqualTo(1);
    }

    @Test
    void an_edited_repeatable_migration_is_pending() {
        flywayMigrate();
        write("R__order_totals.sql", "DROP VIEW IF EXISTS order_totals;\nCREATE VIEW order_totals AS SELECT customer_id FROM orders;\n");

        Decision decision = decide();

        assertThat(decision.fast()).isEmpty();
        assertThat(decision.flyway().migrationsApplied()).isEqualTo(1);
    }

    @Test
    void a_changed_placeholder_value_in_a_repeatable_migration_makes_it_pending() {
        flywayMigrate();
        environment.put("FLYWAY_PLACEHOLDERS_REGION", "us");

        Decision decision = decide();

        assertThat(decision.fast()).isEmpty();
        assertThat(decision.flyway().migrationsApplied()).isEqualTo(1);
    }

    @Test
    void a_failed_row_in_the_history_is_left_to_flyway_which_refuses_to_migrate() {
        flywayMigrate();
        database.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
                + "checksum, installed_by, execution_time, success) VALUES (5, '4', 'half done', 'SQL', "
                + "'V4__half_done.sql', 1, 'someone', 1, false)");
        write("V4__half_done.sql", "CREATE INDEX CONCURRENTLY orders_customer ON orders (customer_id);\n");

        Decision decision = decide();

        assertThat(decision.fast()).isEmpty();
        assertThat(decision.flywayFailure()).contains("migration V4 (V4__half_done.sql) failed in an earlier run");
    }

    @Test
    void a_versioned_migration_edited_after_it_was_applied_fails_flyways_validation() {
        flywayMigrate();
        write("V2__create_orders.sql", "CREATE TABLE orders (id bigint PRIMARY KEY);\n");

        Decision decision = decide();

        assertThat(decision.fast()).isEmpty();
        assertThat(decision.flywayFailure()).contains("checksum");
    }

    @Test
    void a_migration_applied_out_of_order_is_left_to_flyway() {
        flywayMigrate();
        write("V2_5__between.sql", "CREATE TABLE between_two_and_three (id int);\n");
        flyway().outOfOrder(true).load().migrate();

        Decision decision = decide();

        assertThat(decision.fast()).isEmpty();
        assertThat(decision.flyway().migrationsApplied()).isZero();
    }

    @Test
    void a_lower_version_that_was_never_applied_is_ignored_by_flyway_and_fails_its_validation() {
        flywayMigrate();
        write("V2_5__between.sql", "CREATE TABLE between_two_and_three (id int);\n");

        Decision decision = decide();

        assertThat(decision.fast()).isEmpty();
        assertThat(decision.flywayFailure()).contains("not applied");
    }

    @Test
    void a_future_version_from_a_newer_image_is_left_to_flyway_which_ignores_it() throws IOException {
        write("V4__from_a_newer_image.sql", "CREATE TABLE t4 (id int);\n");
        flywayMigrate();
        Files.delete(location.resolve("V4__from_a_newer_image.sql"));

        Decision decision = decide();

        assertThat(decision.fast()).isEmpty();
        assertThat(decision.flyway().migrationsApplied()).isZero();
        assertThat(decision.flyway().schemaVersion()).isEqualTo("4");
    }

    @Test
    void a_missing_lower_version_fails_flyways_validation() throws IOException {
        flywayMigrate();
        Files.delete(location.resolve("V2__create_orders.sql"));

        Decision decision = decide();

        assertThat(decision.fast()).isEmpty();
        assertThat(decision.flywayFailure()).contains("is applied but missing from the image");
    }

    @Test
    void a_repeatable_migration_removed_from_the_image_fails_flyways_validation() throws IOException {
        flywayMigrate();
        Files.delete(location.resolve("R__order_totals.sql"));

        Decision decision = decide();

        assertThat(decision.fast()).isEmpty();
        assertThat(decision.flywayFailure()).contains("is applied but missing from the image");
    }

    @Test
    void a_callback_is_left_to_flyway_which_runs_it_even_when_nothing_is_pending() {
        flywayMigrate();
        database.execute("CREATE TABLE callback_runs (at timestamptz DEFAULT now())");
        database.execute("GRANT ALL ON callback_runs TO " + database.username());
        write("afterMigrate.sql", "INSERT INTO callback_runs DEFAULT VALUES;\n");

        Decision decision = decide();

        assertThat(decision.fast()).isEmpty();
        assertThat(decision.flyway().migrationsApplied()).isZero();
        assertThat(database.query("SELECT count(*) AS runs FROM callback_runs").get(0).get("runs")).isEqualTo(1L);
    }

    @Test
    void flyways_own_placeholders_in_a_repeatable_are_left_to_flyway() {
        write("R__owner.sql", "COMMENT ON TABLE customers IS 'owned by ${flyway:user}';\n");
        flywayMigrate();

        Decision decision = decide();

        assertThat(decision.fast()).isEmpty();
        assertThat(decision.flyway().migrationsApplied()).isZero();
    }

    @Test
    void a_placeholder_without_a_value_is_left_to_flyway_which_reports_it() {
        flywayMigrate();
        write("R__order_totals.sql", "SELECT '${nowhere}';\n");

        Decision decision = decide();

        assertThat(decision.fast()).isEmpty();
        assertThat(decision.flywayFailure()).contains("nowhere");
    }

    @Test
    void a_history_table_that_is_not_in_the_current_schema_is_not_trusted() throws SQLException {
        flywayMigrate();
        UpToDateCheck check = UpToDateCheck.forSettings(settings()).orElseThrow();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TEMP TABLE flyway_schema_history AS SELECT * FROM public.flyway_schema_history");

            assertThat(check.upToDate(connection, secretPlaceholders)).isEmpty();
        }
    }

    @Test
    void a_file_that_is_not_a_plain_migration_is_left_to_flyway() {
        flywayMigrate();
        write("README.txt", "notes\n");

        assertThat(decide().fast()).isEmpty();
    }

    @Test
    void settings_that_change_flyways_behaviour_turn_the_fast_path_off() {
        assertThat(UpToDateCheck.forSettings(settings())).isPresent();
        for (String variable : new String[] {"FLYWAY_TABLE", "FLYWAY_OUT_OF_ORDER", "FLYWAY_DEFAULT_SCHEMA",
                "FLYWAY_PLACEHOLDER_PREFIX", "FLYWAY_CALLBACKS", "FLYWAY_IGNORE_MIGRATION_PATTERNS"}) {
            environment.put(variable, "x");
            assertThat(UpToDateCheck.forSettings(settings())).as(variable).isEmpty();
            environment.remove(variable);
        }
        environment.put("FLYWAY_LOCATIONS", "classpath:db/migration");
        assertThat(UpToDateCheck.forSettings(settings())).as("classpath location").isEmpty();
        environment.put("FLYWAY_LOCATIONS", "filesystem:/a,filesystem:/b");
        assertThat(UpToDateCheck.forSettings(settings())).as("two locations").isEmpty();
    }

    @Test
    void only_a_plain_migrate_is_answered() {
        assertThat(UpToDateCheck.handles(Command.MIGRATE, null, null)).isTrue();
        assertThat(UpToDateCheck.handles(Command.MIGRATE, "2", null)).as("with a target").isFalse();
        assertThat(UpToDateCheck.handles(Command.INFO, null, null)).isFalse();
        assertThat(UpToDateCheck.handles(Command.VALIDATE, null, null)).isFalse();
    }

    // ---- helpers ----

    /** What the fast path said, and what Flyway's migrate (as the migrator configures it) then did. */
    private record Decision(Optional<MigrationReport> fast, MigrationReport flyway, String flywayFailure) {
        void assertSameAsFlyway() {
            assertThat(flywayFailure).as("Flyway failed").isNull();
            assertThat(flyway.migrationsApplied()).as("Flyway applied").isZero();
            assertThat(fast.orElseThrow().withDuration(0)).isEqualTo(flyway.withDuration(0));
        }
    }

    private Decision decide() {
        Settings settings = settings();
        Optional<MigrationReport> fast;
        try (Connection connection = database.connect()) {
            fast = UpToDateCheck.forSettings(settings).orElseThrow().upToDate(connection, secretPlaceholders);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        try {
            return new Decision(fast, runner(settings), null);
        } catch (MigrationFailedException e) {
            return new Decision(fast, null, e.getMessage());
        }
    }

    private MigrationReport runner(Settings settings) {
        return new MigrationRunner(settings).run(new DirectRequest(Command.MIGRATE, null, null), dataSource(),
                secretPlaceholders, new MigrationProgress(), new LockRetry(settings.lockTimeout(), 0,
                        io.skylift.migrator.deadline.Deadline.after(java.time.Duration.ofMinutes(1)), java.util.List::of));
    }

    private void flywayMigrate() {
        runner(settings());
    }

    private org.flywaydb.core.api.configuration.FluentConfiguration flyway() {
        Map<String, String> placeholders = new HashMap<>(Map.of("region", environment.get("FLYWAY_PLACEHOLDERS_REGION")));
        placeholders.putAll(secretPlaceholders);
        return Flyway.configure().dataSource(dataSource()).locations("filesystem:" + location)
                .placeholders(placeholders);
    }

    private Settings settings() {
        return Settings.fromEnvironment(environment);
    }

    private PGSimpleDataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(database.jdbcUrl());
        dataSource.setUser(database.username());
        dataSource.setPassword(database.password());
        return dataSource;
    }

    private void write(String file, String content) {
        try {
            Path path = location.resolve(file);
            Files.createDirectories(path.getParent());
            Files.writeString(path, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
