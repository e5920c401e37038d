package io.skylift.migrator.deadline;

import java.util.Objects;

/**
 * What bounds one piece of work: its deadline, how a failure says that the deadline stopped it, and a signal that can
 * stop it earlier.
 *
 * @param deadline   when the work must have stopped
 * @param atDeadline what the failure's reason says when the deadline stopped the work
 * @param signal     stops the work before the deadline; {@link StopSignal#never()} when nothing does
 */
public record WorkLimit(Deadline deadline, StopReason atDeadline, StopSignal signal) {
    public WorkLimit {
        Objects.requireNonNull(deadline, "deadline must not be null");
        Objects.requireNonNull(atDeadline, "atDeadline must not be null");
        Objects.requireNonNull(signal, "signal must not be null");
    }

    /** Why the work stopped: the signal's reason when it was stopped, else the deadline's. */
    public StopReason stopReason() {
        return signal.reason().orElse(atDeadline);
    }
}
