package io.skylift.migrator.task;

import io.skylift.migrator.MigratorHandler;
import io.skylift.migrator.deadline.StopSignal;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The image's task mode (DESIGN §2, contract "task entry point"): {@code /var/task/bootstrap task <command> [json]}
 * runs one command outside Lambda, with the function's environment and code, prints one JSON line on standard output
 * (the direct invocation's result; on failure {@code success: false}, {@code errorCode} and {@code reason}) and exits
 * 0 (success), 1 (the command failed) or 2 (invalid invocation or configuration). Every log line goes to standard
 * error, so standard output holds that line only.
 */
public final class TaskMain {
    /**
     * How long SIGTERM waits for the command to wind down: the watchdog's grace period (at most 3 s) and its abort wait
     * (0.5 s) with room to spare, well within ECS's default stop timeout of 30 s, after which ECS kills the process.
     */
    static final Duration STOP_WAIT = Duration.ofSeconds(20);

    private TaskMain() {
    }

    public static void main(String[] args) {
        PrintStream resultOut = System.out;
        // The function logs to standard output (Lambda's CloudWatch stream); here that is the result's channel.
        System.setOut(System.err);
        ResultLine line = new ResultLine(resultOut);
        StopSignal signal = new StopSignal();
        List<String> arguments = List.of(args);
        Termination termination = Termination.install(signal, line, arguments.isEmpty() ? null : arguments.getFirst(),
                STOP_WAIT);
        termination.exit(new Task(new MigratorHandler(), System.getenv(), line).run(arguments, signal));
    }
}
