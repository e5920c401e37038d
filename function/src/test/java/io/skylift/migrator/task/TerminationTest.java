package io.skylift.migrator.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.DirectOutcome;
import io.skylift.migrator.Json;
import io.skylift.migrator.deadline.StopSignal;
import io.skylift.migrator.failure.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The SIGTERM hook's decisions, with {@code halt} and {@code exit} recorded instead of ending this JVM (the real signal
 * to a real process: the image module's {@code TaskEntryPointIT}).
 */
class TerminationTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ResultLine line = new ResultLine(new PrintStream(out, true, StandardCharsets.UTF_8));
    private final StopSignal signal = new StopSignal();
    private final List<Integer> halts = new CopyOnWriteArrayList<>();
    private final List<Integer> exits = new CopyOnWriteArrayList<>();

    private Termination termination(Duration stopWait) {
        return new Termination(signal, line, "migrate", stopWait, halts::add, exits::add);
    }

    private List<String> lines() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void sigterm_stops_the_command_and_the_process_ends_with_the_commands_own_status_and_line() {
        Termination termination = termination(Duration.ofSeconds(5));
        // The command: stopped, it writes its failure and exits 1, as Task and TaskMain do.
        signal.onStop(() -> Thread.ofPlatform().start(() -> {
            line.write(new DirectOutcome.Failed("migrate", ErrorCode.DEADLINE_EXCEEDED, "Stopped on SIGTERM ..."));
            termination.exit(ExitStatus.FAILED);
        }));

        termination.onShutdown();

        assertThat(signal.reason()).contains(TaskLimit.TERMINATED);
        assertThat(halts).containsExactly(1);
        assertThat(lines()).singleElement().asString().contains("Stopped on SIGTERM ...");
    }

    @Test
    void a_command_that_succeeds_as_sigterm_arrives_keeps_exit_status_0() {
        Termination termination = termination(Duration.ofSeconds(5));
        signal.onStop(() -> termination.exit(ExitStatus.SUCCESS));

        termination.onShutdown();

        assertThat(halts).containsExactly(0);
    }

    @Test
    void a_command_that_does_not_wind_down_in_time_gets_the_hooks_own_line_and_exit_status_1() throws Exception {
        long start = System.nanoTime();

        termination(Duration.ofMillis(300)).onShutdown();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(halts).containsExactly(1);
        JsonNode result = Json.MAPPER.readTree(lines().getFirst());
        assertThat(lines()).hasSize(1);
        assertThat(result.get("success").asBoolean()).isFalse();
        assertThat(result.get("command").asText()).isEqualTo("migrate");
        assertThat(result.get("errorCode").asText()).isEqualTo("DEADLINE_EXCEEDED");
        assertThat(result.get("reason").asText()).startsWith("Stopped on SIGTERM")
                .contains("did not wind down within 0 s", "may still be running", "pg_stat_activity");
        // The command's line, should it come after all, is not a second one.
        assertThat(line.write(new DirectOutcome.Failed("migrate", ErrorCode.DEADLINE_EXCEEDED, "late"))).isFalse();
        assertThat(lines()).hasSize(1);
    }

    @Test
    void after_the_commands_own_exit_the_hook_stops_nothing_and_keeps_its_status() {
        Termination termination = termination(Duration.ofSeconds(5));
        line.write(new DirectOutcome.Succeeded("{\"command\":\"info\",\"success\":true}"));
        termination.exit(ExitStatus.SUCCESS);

        termination.onShutdown();

        assertThat(exits).containsExactly(0);
        assertThat(signal.reason()).as("nothing to stop").isEmpty();
        assertThat(halts).containsExactly(0);
    }
}
