package io.skylift.migrator.task;

import io.skylift.migrator.deadline.Deadline;
import io.skylift.migrator.deadline.StopReason;
import io.skylift.migrator.deadline.StopSignal;
import io.skylift.migrator.deadline.WorkLimit;
import io.skylift.migrator.failure.ConfigurationException;
import java.time.Duration;
import java.util.Map;

/**
 * What bounds a task's command instead of Lambda's 15 minutes: nothing but {@value #TIMEOUT_VARIABLE} when it is set,
 * and SIGTERM (ECS stopping the task, which is how a Step Functions timeout or {@code aws ecs stop-task} ends it).
 */
final class TaskLimit {
    /** Optional: the longest the command may run, in seconds; unset, the task runs until the command ends. */
    public static final String TIMEOUT_VARIABLE = "SKYLIFT_TASK_TIMEOUT_SECONDS";
    /**
     * The deadline of a task without a timeout: longer than anything that starts a task lets it run (a Standard Step
     * Functions execution lasts at most a year), and far from overflowing the monotonic clock's arithmetic.
     */
    static final Duration UNBOUNDED = Duration.ofDays(400);
    /** What the reason says when ECS stopped the task. */
    public static final StopReason TERMINATED = new StopReason("Stopped on SIGTERM (ECS stops a task so on "
            + "StopTask, when a Step Functions state times out or its execution is stopped, and on a deployment)",
            " Start the task again when it can run to the end; the 'info' command shows where the schema stands.");

    private TaskLimit() {
    }

    /**
     * @param signal the task's SIGTERM
     * @throws ConfigurationException when {@value #TIMEOUT_VARIABLE} is set but not a positive whole number
     */
    public static WorkLimit fromEnvironment(Map<String, String> environment, StopSignal signal) {
        String raw = environment.get(TIMEOUT_VARIABLE);
        if (raw == null || raw.isBlank()) {
            return new WorkLimit(Deadline.after(UNBOUNDED), new StopReason("Stopped after " + UNBOUNDED.toDays()
                    + " days", " Set " + TIMEOUT_VARIABLE + " to bound the task."), signal);
        }
        long seconds;
        try {
            seconds = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            seconds = 0;
        }
        if (seconds < 1 || seconds > UNBOUNDED.toSeconds()) {
            throw new ConfigurationException(TIMEOUT_VARIABLE + " is '" + raw + "': it must be a whole number of "
                    + "seconds from 1 to " + UNBOUNDED.toSeconds() + ", or unset for no limit but SIGTERM");
        }
        return new WorkLimit(Deadline.after(Duration.ofSeconds(seconds)), new StopReason("Stopped at the task's time "
                + "limit (" + TIMEOUT_VARIABLE + "=" + seconds + ")", " Raise " + TIMEOUT_VARIABLE + ", or leave it "
                + "unset: the task then runs until the command ends or ECS stops it."), signal);
    }
}
