package io.skylift.migrator.task;

import io.skylift.migrator.DirectOutcome;
import io.skylift.migrator.MigratorHandler;
import io.skylift.migrator.deadline.StopSignal;
import io.skylift.migrator.deadline.WorkLimit;
import io.skylift.migrator.failure.MigratorException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One command run outside Lambda, the way the image runs as an ECS task: the command line becomes the direct
 * invocation's payload, which runs on the function's own direct path ({@link MigratorHandler#runDirect}: the same
 * settings, secrets and migration code) within {@link TaskLimit} instead of Lambda's deadline; the outcome is written
 * as the task's one result line.
 */
final class Task {
    private final MigratorHandler handler;
    private final Map<String, String> environment;
    private final ResultLine line;

    /**
     * @param handler     the function, built over {@code environment}
     * @param environment the process's environment (for {@link TaskLimit#TIMEOUT_VARIABLE})
     * @param line        where the result line goes
     */
    Task(MigratorHandler handler, Map<String, String> environment, ResultLine line) {
        this.handler = Objects.requireNonNull(handler, "handler must not be null");
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment must not be null"));
        this.line = Objects.requireNonNull(line, "line must not be null");
    }

    /**
     * Runs the command and writes its result line (unless the SIGTERM hook wrote one already).
     *
     * @param arguments what followed {@code task} on the command line: {@code <command> [json]}
     * @param signal    stops the command (SIGTERM)
     */
    ExitStatus run(List<String> arguments, StopSignal signal) {
        DirectOutcome outcome;
        try {
            TaskArguments task = TaskArguments.parse(arguments);
            WorkLimit limit = TaskLimit.fromEnvironment(environment, signal);
            outcome = handler.runDirect(task.payload(), "task-" + UUID.randomUUID(), limit);
        } catch (MigratorException e) { // NOPMD: the command line and the timeout are refused before anything runs
            outcome = new DirectOutcome.Failed(arguments.isEmpty() ? null : arguments.getFirst(), e.code(),
                    e.getMessage());
        }
        line.write(outcome);
        return ExitStatus.of(outcome);
    }
}
