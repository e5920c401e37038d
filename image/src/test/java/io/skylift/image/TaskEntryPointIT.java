package io.skylift.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skylift.migrator.MigratorFixture;
import io.skylift.migrator.testkit.PostgresExtension;
import io.skylift.migrator.testkit.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's task mode as ECS starts it: the image the Dockerfile builds ({@link StagedImage}), its entry point with
 * {@code task <command>} as the command, an environment like a Fargate task's (no Lambda Runtime API, no
 * {@code AWS_LAMBDA_*}), a PostgreSQL that requires TLS, and SIGTERM as ECS's StopTask sends it.
 * {@code -XX:AOTMode=on}: the task mode must keep the class path the image's AOT cache was trained with.
 */
@ExtendWith(PostgresExtension.class)
class TaskEntryPointIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** ECS's default stop timeout: after it, ECS kills the process. */
    private static final Duration ECS_STOP_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path directory;
    private static StagedImage image;

    @BeforeAll
    static void build(TestDatabase database) {
        image = StagedImage.build(DockerfileStages.REPOSITORY.resolve("migrations"), database.caCertificate(),
                directory.resolve("build"));
    }

    /** A task process and what it wrote: standard output (the result line) apart from standard error (the logs). */
    private record TaskRun(int exitCode, List<String> stdout, String stderr) {
        JsonNode result() {
            assertThat(stdout).as("exactly one line on standard output; standard error:%n%s", stderr).hasSize(1);
            try {
                return JSON.readTree(stdout.getFirst());
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + stdout.getFirst(), e);
            }
        }
    }

    private static final class TaskProcess {
        private final Process process;
        private final CompletableFuture<String> stdout;
        private final CompletableFuture<String> stderr;

        TaskProcess(Map<String, String> environment, String... arguments) {
            List<String> command = new ArrayList<>(List.of(image.local("/var/task/bootstrap").toString(), "task"));
            command.addAll(List.of(arguments));
            ProcessBuilder builder = new ProcessBuilder(command).directory(image.taskRoot().toFile());
            builder.environment().clear();
            builder.environment().putAll(environment);
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            stdout = read(process.getInputStream());
            stderr = read(process.getErrorStream());
        }

        private static CompletableFuture<String> read(java.io.InputStream stream) {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        /**
         * SIGTERM, as ECS's StopTask sends it (the bootstrap exec'd the JVM: this is its process). Through the process
         * handle: {@code Process.destroy()} would also close the pipes the result line comes through.
         */
        void terminate() {
            assertThat(process.toHandle().destroy()).as("SIGTERM sent").isTrue();
        }

        TaskRun await(Duration timeout) throws Exception {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the task did not end within " + timeout + "; standard error:\n"
                        + stderr.get(5, TimeUnit.SECONDS));
            }
            return new TaskRun(process.exitValue(), stdout.get(5, TimeUnit.SECONDS).lines().toList(),
                    stderr.get(5, TimeUnit.SECONDS));
        }
    }

    /** What a Fargate task of the construct gets: the function's settings, the image's ENV, no Lambda variables. */
    private static Map<String, String> taskEnvironment(MigratorFixture fixture) {
        Map<String, String> environment = new HashMap<>(fixture.environment);
        environment.remove("AWS_LAMBDA_FUNCTION_NAME");
        environment.putAll(fixture.secrets.environment());
        environment.put("PATH", "/usr/bin:/bin");
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.put("LAMBDA_TASK_ROOT", image.taskRoot().toString());
        // The fixture's copy of migrations/, to which a test adds its own.
        environment.put("FLYWAY_LOCATIONS", "filesystem:" + fixture.taskRoot.resolve("migrations"));
        environment.put("JAVA_TOOL_OPTIONS", "-XX:AOTMode=on");
        return environment;
    }

    private static TaskRun runTask(MigratorFixture fixture, String... arguments) throws Exception {
        return new TaskProcess(taskEnvironment(fixture), arguments).await(Duration.ofSeconds(120));
    }

    @Test
    void a_migration_longer_than_any_lambda_deadline_the_settings_allow_runs_to_the_end(TestDatabase database)
            throws Exception {
        try (MigratorFixture fixture = new MigratorFixture(database)) {
            // A margin longer than Lambda's 15-minute maximum: as a function, every invocation would stop at once.
            fixture.environment.put("DEADLINE_MARGIN_MS", "960000");
            fixture.migration("V5__slow_backfill.sql", "SELECT pg_sleep(5); CREATE TABLE backfilled (id int);");

            TaskRun run = runTask(fixture, "migrate");

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            JsonNode result = run.result();
            assertThat(result.get("success").asBoolean()).isTrue();
            assertThat(result.get("schemaVersion").asText()).isEqualTo("5");
            assertThat(result.get("migrationsApplied").asInt()).isEqualTo(6);
            assertThat(database.tableExists("public", "backfilled")).isTrue();
            assertThat(run.stderr()).as("the function's log line, on standard error")
                    .contains("\"caller\":\"task\"", "\"outcome\":\"SUCCESS\"");
        }
    }

    @Test
    void sigterm_during_a_transactional_migration_rolls_it_back_and_exits_1_saying_so(TestDatabase database)
            throws Exception {
        try (MigratorFixture fixture = new MigratorFixture(database)) {
            fixture.migration("V5__half_done.sql", "CREATE TABLE half_done (id int); SELECT pg_sleep(600);");
            TaskProcess task = new TaskProcess(taskEnvironment(fixture), "migrate");
            awaitRunning(database, "pg_sleep(600)");

            long signalled = System.nanoTime();
            task.terminate();
            TaskRun run = task.await(ECS_STOP_TIMEOUT.plusSeconds(10));

            assertThat(Duration.ofNanos(System.nanoTime() - signalled))
                    .as("within a few seconds: the watchdog's grace (3 s) and abort wait, far inside ECS's stop timeout")
                    .isLessThan(Duration.ofSeconds(15));
            assertThat(run.exitCode()).as(run.stderr()).isEqualTo(1);
            JsonNode result = run.result();
            assertThat(result.get("success").asBoolean()).isFalse();
            assertThat(result.get("errorCode").asText()).isEqualTo("DEADLINE_EXCEEDED");
            assertThat(result.get("reason").asText()).startsWith("Stopped on SIGTERM")
                    .contains("V5 (V5__half_done.sql)", "PostgreSQL rolled it back",
                            "kept (each committed on its own): V1 (V1__create_customers.sql)");
            assertThat(database.tableExists("public", "half_done")).as("rolled back, as the reason says").isFalse();
            assertThat(database.query("SELECT version FROM flyway_schema_history WHERE version = '5'")).isEmpty();
            assertThat(database.tableExists("public", "customers")).as("V1, kept, as the reason says").isTrue();
            assertThat(stillRunning(database, "pg_sleep(600)")).as("the statement was cancelled").isFalse();
        }
    }

    @Test
    void sigterm_during_create_index_concurrently_exits_1_naming_the_invalid_index_it_leaves(TestDatabase database)
            throws Exception {
        try (MigratorFixture fixture = new MigratorFixture(database)) {
            // Each key takes 0.2 s to compute: the index build takes a minute, long enough to be stopped in the middle.
            fixture.migration("V5__slow_keys.sql", """
                    CREATE FUNCTION slow_key(n int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$
                    BEGIN PERFORM pg_sleep(0.2); RETURN n; END $$;
                    CREATE TABLE parcels (id int);
                    INSERT INTO parcels SELECT generate_series(1, 300);
                    """);
            fixture.migration("V6__parcels_key_idx.sql",
                    "CREATE INDEX CONCURRENTLY parcels_key_idx ON parcels (slow_key(id));");
            TaskProcess task = new TaskProcess(taskEnvironment(fixture), "migrate");
            awaitRunning(database, "CREATE INDEX CONCURRENTLY");
            Thread.sleep(1_000);

            long signalled = System.nanoTime();
            task.terminate();
            TaskRun run = task.await(ECS_STOP_TIMEOUT.plusSeconds(10));

            assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isLessThan(Duration.ofSeconds(15));
            assertThat(run.exitCode()).as(run.stderr()).isEqualTo(1);
            String reason = run.result().get("reason").asText();
            assertThat(reason).startsWith("Stopped on SIGTERM").contains("V6 (V6__parcels_key_idx.sql)",
                    "ran outside a transaction", "INVALID index", "DROP INDEX CONCURRENTLY", "repair",
                    "kept (each committed on its own): V1 (V1__create_customers.sql)", "V5 (V5__slow_keys.sql)");
            assertThat(reason).doesNotContain("PostgreSQL rolled it back");
            assertThat(stillRunning(database, "CREATE INDEX CONCURRENTLY")).as("the build was cancelled").isFalse();
            assertThat(database.query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'parcels_key_idx'::regclass"))
                    .as("what the reason names: the INVALID index, left behind")
                    .containsExactly(Map.of("indisvalid", false));
            List<String> applied = database.query("SELECT script FROM flyway_schema_history WHERE success "
                    + "AND version IS NOT NULL ORDER BY installed_rank").stream().map(r -> (String) r.get("script"))
                    .toList();
            assertThat(applied).as("applied: the migrations the reason names as kept, nothing else").containsExactly(
                    "V1__create_customers.sql", "V2__create_order_statuses.sql", "V3__create_orders.sql",
                    "V4__create_app_role.sql", "V5__slow_keys.sql");
            assertThat(reason).contains(applied.stream().map(script -> script.substring(0, script.indexOf("__"))
                    + " (" + script + ")").toList());
        }
    }

    @Test
    void a_missing_database_secret_and_an_unknown_command_exit_2_with_one_json_line(TestDatabase database)
            throws Exception {
        try (MigratorFixture fixture = new MigratorFixture(database)) {
            Map<String, String> withoutSecret = taskEnvironment(fixture);
            withoutSecret.remove("DB_SECRET_ARN");
            TaskRun missing = new TaskProcess(withoutSecret, "migrate").await(Duration.ofSeconds(60));
            TaskRun unknown = runTask(fixture, "drop-everything");

            assertThat(missing.exitCode()).as(missing.stderr()).isEqualTo(2);
            assertThat(missing.result().get("errorCode").asText()).isEqualTo("CONFIGURATION");
            assertThat(missing.result().get("reason").asText()).contains("DB_SECRET_ARN");
            assertThat(unknown.exitCode()).as(unknown.stderr()).isEqualTo(2);
            assertThat(unknown.result().get("errorCode").asText()).isEqualTo("INVALID_INVOCATION");
            assertThat(unknown.result().get("reason").asText()).contains("drop-everything", "migrate, info");
            assertThat(database.tableExists("public", "flyway_schema_history")).isFalse();
        }
    }

    private static void awaitRunning(TestDatabase database, String fragment) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!stillRunning(database, fragment)) {
            assertThat(System.nanoTime()).as("the task started " + fragment).isLessThan(until);
            Thread.sleep(100);
        }
    }

    private static boolean stillRunning(TestDatabase database, String fragment) {
        return !database.query("SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() "
                + "AND position(? in query) > 0", fragment).isEmpty();
    }
}
