package io.skylift.migrator.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.skylift.migrator.testkit.PostgresExtension;
import io.skylift.migrator.testkit.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(PostgresExtension.class)
class LocalMigrateTest {

    private static String run(Map<String, String> env, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = LocalMigrate.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8), env);
        return status + "\n" + bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void applies_the_repository_migrations_to_a_given_database_and_prints_the_history(TestDatabase database) {
        String output = run(Map.of("DB_SSL_MODE", "verify-full", "DB_SSL_ROOT_CERT", database.caCertificate().toString(),
                "PGPASSWORD", database.password(), "FLYWAY_PLACEHOLDERS_APP_PASSWORD", "local-pw"),
                "--url", database.baseJdbcUrl(), "--user", database.username());
        assertThat(output).startsWith("0\n").contains("migrate: success, schema version 4, 5 migration(s) applied");
        assertThat(output).containsPattern("\\| Version +\\| Description +\\| Type +\\| State +\\| Installed on +\\| Time \\(ms\\) \\|");
        assertThat(output).containsPattern("\\| 3 +\\| create orders +\\| SQL +\\| Success +\\| \\d{4}-\\d\\d-\\d\\d ");
        assertThat(output).contains("customer order totals");
        assertThat(output).doesNotContain(database.password());
    }

    @Test
    void the_embedded_default_needs_no_database_at_all() {
        String output = run(Map.of());
        assertThat(output).startsWith("0\n").contains("embedded PostgreSQL").contains("| 4 ");
    }

    @Test
    void a_failing_migration_gives_a_non_zero_status_and_names_it(TestDatabase database, @TempDir Path dir)
            throws IOException {
        Files.writeString(dir.resolve("V1__broken.sql"), "CREATE TABLE broken (id int;");
        String output = run(Map.of("DB_SSL_MODE", "verify-full", "DB_SSL_ROOT_CERT", database.caCertificate().toString(),
                "PGPASSWORD", database.password()),
                "--url", database.baseJdbcUrl(), "--user", database.username(), "--locations", "filesystem:" + dir);
        assertThat(output).startsWith("1\n").contains("migrate FAILED: Migration V1 (V1__broken.sql) failed");
    }

    @Test
    void bad_arguments_print_the_usage(TestDatabase database) {
        assertThat(run(Map.of(), "--ur", "x")).startsWith("2\n").contains("Unknown option '--ur'").contains("Usage:");
    }

    @Test
    void lint_needs_no_database_and_fails_on_an_error_finding(@TempDir Path dir) throws IOException {
        assertThat(run(Map.of(), "--command", "lint")).startsWith("0\n").contains("5 script(s)", "no findings")
                .doesNotContain("embedded PostgreSQL");
        Files.writeString(dir.resolve("V1__lock.sql"), "LOCK TABLE orders;");
        assertThat(run(Map.of(), "--command", "lint", "--locations", "filesystem:" + dir)).startsWith("1\n")
                .contains("V1__lock.sql:1: error lock-table: LOCK TABLE holds its lock");
    }

    @Test
    void plan_prints_what_migrate_would_do_and_changes_nothing(TestDatabase database, @TempDir Path dir)
            throws IOException {
        Files.writeString(dir.resolve("V1__create.sql"), "CREATE TABLE orders (id int);");
        Files.writeString(dir.resolve("V2__index.sql"), "-- later\nCREATE INDEX orders_id ON orders (id);");
        String output = run(Map.of("DB_SSL_MODE", "verify-full", "DB_SSL_ROOT_CERT", database.caCertificate().toString(),
                "PGPASSWORD", database.password()), "--url", database.baseJdbcUrl(),
                "--user", database.username(), "--locations", "filesystem:" + dir, "--command", "plan");
        assertThat(output).startsWith("0\n").contains("Schema version now: none", "Pending (2):",
                "  1  V1__create.sql  checksum ", "Findings (1):",
                "V2__index.sql:2: error create-index-non-concurrent", "Plan: PROBLEMS");
        assertThat(database.tableExists("public", "flyway_schema_history")).isFalse();
    }
}
