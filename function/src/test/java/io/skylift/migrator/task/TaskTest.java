package io.skylift.migrator.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.Json;
import io.skylift.migrator.MigratorFixture;
import io.skylift.migrator.MigratorFixtureExtension;
import io.skylift.migrator.deadline.StopSignal;
import io.skylift.migrator.testkit.OutputCaptureExtension;
import io.skylift.migrator.testkit.PostgresExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The task mode's command run in this JVM against a real TLS PostgreSQL (the SIGTERM, the bootstrap and the exit
 * statuses of a real process: the image module's {@code TaskEntryPointIT}).
 */
@ExtendWith({OutputCaptureExtension.class, PostgresExtension.class, MigratorFixtureExtension.class})
class TaskTest {
    private static final String SLEEPING_MIGRATION = "CREATE TABLE half_done (id int); SELECT pg_sleep(60);";

    private record Run(ExitStatus status, List<String> lines) {
        JsonNode json() {
            assertThat(lines).as("exactly one line on the result channel").hasSize(1);
            try {
                return Json.MAPPER.readTree(lines.getFirst());
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + lines.getFirst(), e);
            }
        }
    }

    private static Run run(MigratorFixture fixture, StopSignal signal, String... arguments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExitStatus status = new Task(fixture.handler(), fixture.environment,
                new ResultLine(new PrintStream(out, true, StandardCharsets.UTF_8))).run(List.of(arguments), signal);
        return new Run(status, out.toString(StandardCharsets.UTF_8).lines().toList());
    }

    private static Run run(MigratorFixture fixture, String... arguments) {
        return run(fixture, new StopSignal(), arguments);
    }

    @Test
    void migrate_prints_the_direct_invocations_result_as_its_one_line_and_exits_0(MigratorFixture fixture) {
        Run run = run(fixture, "migrate");

        assertThat(run.status()).isEqualTo(ExitStatus.SUCCESS);
        assertThat(run.status().code()).isZero();
        JsonNode result = run.json();
        assertThat(result.get("command").asText()).isEqualTo("migrate");
        assertThat(result.get("success").asBoolean()).isTrue();
        assertThat(result.get("migrationsApplied").asInt()).isEqualTo(5);
        assertThat(result.get("schemaVersion").asText()).isEqualTo("4");
        JsonNode direct = MigratorFixture.invokeJson(fixture.handler(), "{\"command\":\"info\"}");
        JsonNode info = run(fixture, "info").json();
        assertThat(fieldNames(info)).as("the task's result is the direct invocation's").isEqualTo(fieldNames(direct));
        assertThat(info.get("schemaVersion")).isEqualTo(direct.get("schemaVersion"));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void the_json_argument_carries_the_direct_payloads_other_fields(MigratorFixture fixture) {
        Run run = run(fixture, "migrate", "{\"target\":\"3\"}");

        assertThat(run.status()).as(run.lines().toString()).isEqualTo(ExitStatus.SUCCESS);
        assertThat(run.json().get("schemaVersion").asText()).isEqualTo("3");
    }

    @Test
    void a_failing_migration_prints_success_false_with_its_code_and_reason_and_exits_1(MigratorFixture fixture) {
        fixture.migration("V5__broken.sql", "ALTER TABLE no_such_table ADD COLUMN x int;");

        Run run = run(fixture, "migrate");

        assertThat(run.status().code()).isEqualTo(1);
        JsonNode result = run.json();
        assertThat(result.get("success").asBoolean()).isFalse();
        assertThat(result.get("command").asText()).isEqualTo("migrate");
        assertThat(result.get("errorCode").asText()).isEqualTo("MIGRATION_FAILED");
        assertThat(result.get("reason").asText()).contains("V5__broken.sql", "no_such_table");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"drop-everything", "(none)", "migrate {\"target\":", "migrate [1]", "migrate {\"command\":\"repair\"}",
            "migrate {\"RequestType\":\"Create\",\"ResponseURL\":\"http://x\",\"StackId\":\"s\",\"RequestId\":\"r\","
                    + "\"LogicalResourceId\":\"l\"}", "migrate {\"target\":\"2\"} extra"})
    void an_invocation_the_function_cannot_read_exits_2_before_touching_the_database(String commandLine,
                                                                                      MigratorFixture fixture) {
        List<String> arguments = commandLine.equals("(none)") ? List.of() : splitOnce(commandLine);

        Run run = run(fixture, arguments.toArray(String[]::new));

        assertThat(run.status().code()).as(run.lines().toString()).isEqualTo(2);
        assertThat(run.json().get("errorCode").asText()).isEqualTo("INVALID_INVOCATION");
        assertThat(run.json().get("success").asBoolean()).isFalse();
        assertThat(fixture.database.tableExists("public", "flyway_schema_history")).isFalse();
    }

    /** {@code command json [more]}: the JSON stays one argument, as a shell would pass it quoted. */
    private static List<String> splitOnce(String commandLine) {
        String[] parts = commandLine.split(" ", 2);
        if (parts.length == 1) {
            return List.of(parts[0]);
        }
        int extra = parts[1].endsWith(" extra") ? parts[1].length() - " extra".length() : parts[1].length();
        return parts[1].length() == extra ? List.of(parts[0], parts[1])
                : List.of(parts[0], parts[1].substring(0, extra), "extra");
    }

    @Test
    void an_unknown_command_is_named_with_the_valid_ones(MigratorFixture fixture) {
        JsonNode result = run(fixture, "drop-everything").json();

        assertThat(result.get("reason").asText()).contains("drop-everything", "migrate, info, validate");
    }

    @Test
    void a_missing_database_secret_is_a_configuration_error_with_exit_status_2(MigratorFixture fixture) {
        fixture.environment.remove("DB_SECRET_ARN");

        Run run = run(fixture, "migrate");

        assertThat(run.status().code()).isEqualTo(2);
        assertThat(run.json().get("errorCode").asText()).isEqualTo("CONFIGURATION");
        assertThat(run.json().get("reason").asText()).contains("DB_SECRET_ARN");
    }

    @Test
    void a_command_outside_skylift_commands_exits_2_before_touching_the_database(MigratorFixture fixture) {
        fixture.environment.put("SKYLIFT_COMMANDS", "plan,lint,info,validate");

        Run run = run(fixture, "migrate");

        assertThat(run.status().code()).as(run.lines().toString()).isEqualTo(2);
        assertThat(run.json().get("errorCode").asText()).isEqualTo("COMMAND_NOT_ALLOWED");
        assertThat(run.json().get("reason").asText()).contains("'migrate'", "SKYLIFT_COMMANDS");
        assertThat(fixture.database.tableExists("public", "flyway_schema_history")).isFalse();
    }

    @Test
    void an_invalid_skylift_commands_is_a_configuration_error_with_exit_status_2(MigratorFixture fixture) {
        fixture.environment.put("SKYLIFT_COMMANDS", "plan,lint,drop");

        Run run = run(fixture, "info");

        assertThat(run.status().code()).isEqualTo(2);
        assertThat(run.json().get("errorCode").asText()).isEqualTo("CONFIGURATION");
        assertThat(run.json().get("reason").asText()).contains("SKYLIFT_COMMANDS", "drop");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"0", "-5", "ten", "1.5"})
    void a_task_timeout_that_is_not_a_positive_number_of_seconds_exits_2(String timeout, MigratorFixture fixture) {
        fixture.environment.put(TaskLimit.TIMEOUT_VARIABLE, timeout);

        Run run = run(fixture, "migrate");

        assertThat(run.status().code()).isEqualTo(2);
        assertThat(run.json().get("reason").asText()).contains(TaskLimit.TIMEOUT_VARIABLE, "'" + timeout + "'");
        assertThat(fixture.database.tableExists("public", "flyway_schema_history")).isFalse();
    }

    @Test
    void a_migration_longer_than_any_lambda_deadline_the_settings_allow_runs_to_the_end(MigratorFixture fixture) {
        // A margin longer than Lambda's 15-minute maximum: as a function, every invocation would stop at once.
        fixture.environment.put("DEADLINE_MARGIN_MS", "960000");
        fixture.migration("V5__slow.sql", "SELECT pg_sleep(4); CREATE TABLE after_the_sleep (id int);");

        Run run = run(fixture, "migrate");

        assertThat(run.status()).as(run.lines().toString()).isEqualTo(ExitStatus.SUCCESS);
        assertThat(run.json().get("schemaVersion").asText()).isEqualTo("5");
        assertThat(fixture.database.tableExists("public", "after_the_sleep")).isTrue();
    }

    @Test
    void the_task_timeout_stops_a_migration_and_says_which_setting_stopped_it(MigratorFixture fixture) {
        assertThat(run(fixture, "migrate").status()).isEqualTo(ExitStatus.SUCCESS);
        fixture.environment.put(TaskLimit.TIMEOUT_VARIABLE, "3");
        fixture.migration("V5__sleeps.sql", SLEEPING_MIGRATION);
        long start = System.nanoTime();

        Run run = run(fixture, "migrate");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(run.status().code()).isEqualTo(1);
        assertThat(run.json().get("errorCode").asText()).isEqualTo("DEADLINE_EXCEEDED");
        assertThat(run.json().get("reason").asText())
                .contains("SKYLIFT_TASK_TIMEOUT_SECONDS=3", "V5__sleeps.sql", "PostgreSQL rolled it back");
        assertThat(fixture.database.tableExists("public", "half_done")).isFalse();
    }

    @Test
    void a_stop_signal_cancels_the_running_migration_and_the_reason_says_what_was_kept(MigratorFixture fixture)
            throws Exception {
        fixture.migration("V5__sleeps.sql", SLEEPING_MIGRATION);
        StopSignal signal = new StopSignal();
        CompletableFuture<Run> running = CompletableFuture.supplyAsync(() -> run(fixture, signal, "migrate"));
        awaitStatement(fixture, "pg_sleep");
        long stopped = System.nanoTime();

        signal.stop(TaskLimit.TERMINATED);
        Run run = running.get(30, TimeUnit.SECONDS);

        assertThat(Duration.ofNanos(System.nanoTime() - stopped)).as("well within ECS's 30-s stop timeout")
                .isLessThan(Duration.ofSeconds(10));
        assertThat(run.status().code()).isEqualTo(1);
        String reason = run.json().get("reason").asText();
        assertThat(reason).startsWith("Stopped on SIGTERM").contains("V5__sleeps.sql", "PostgreSQL rolled it back",
                "V1 (V1__create_customers.sql)", "V4 (V4__create_app_role.sql)");
        assertThat(fixture.database.tableExists("public", "half_done")).as("rolled back").isFalse();
        assertThat(fixture.database.tableExists("public", "customers")).as("V1, kept as the reason says").isTrue();
        assertThat(fixture.database.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' "
                + "AND pid <> pg_backend_pid()")).as("the statement was cancelled, not left running").isEmpty();
    }

    static void awaitStatement(MigratorFixture fixture, String fragment) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (fixture.database.query("SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE ? "
                + "AND pid <> pg_backend_pid()", "%" + fragment + "%").isEmpty()) {
            assertThat(System.nanoTime()).as("the migration started its " + fragment).isLessThan(until);
            Thread.sleep(50);
        }
    }
}
