package io.skylift.migrator.task;

import io.skylift.migrator.DirectOutcome;
import io.skylift.migrator.deadline.StopSignal;
import io.skylift.migrator.failure.ErrorCode;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * SIGTERM as ECS sends it to stop a task: a JVM shutdown hook stops the command through its {@link StopSignal} (the
 * watchdog cancels the running statement, lets PostgreSQL roll it back, then closes the connections), waits for the
 * command's own result line, and ends the process with the command's exit status. The process's exit status is thus
 * the command's (1 when it was stopped), not the JVM's 143 for a signal.
 *
 * <p>The hook halts the JVM rather than returning: the command's thread is then blocked in {@code System.exit}, which
 * waits for the hooks, and the JVM's own status for the signal would win.
 */
final class Termination {
    private final StopSignal signal;
    private final ResultLine line;
    private final String command;
    private final Duration stopWait;
    private final IntConsumer halt;
    private final IntConsumer exit;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile ExitStatus status = ExitStatus.FAILED;

    /**
     * @param command  the command line's command, for the line written when the command does not wind down in time
     * @param stopWait how long the command may take to wind down after SIGTERM
     * @param halt     {@code Runtime.halt}: ends the JVM from the hook
     * @param exit     {@code System.exit}: starts the JVM's shutdown, which runs the hook
     */
    Termination(StopSignal signal, ResultLine line, String command, Duration stopWait, IntConsumer halt,
                IntConsumer exit) {
        this.signal = Objects.requireNonNull(signal, "signal must not be null");
        this.line = Objects.requireNonNull(line, "line must not be null");
        this.command = command;
        this.stopWait = Objects.requireNonNull(stopWait, "stopWait must not be null");
        this.halt = Objects.requireNonNull(halt, "halt must not be null");
        this.exit = Objects.requireNonNull(exit, "exit must not be null");
    }

    static Termination install(StopSignal signal, ResultLine line, String command, Duration stopWait) {
        Termination termination = new Termination(signal, line, command, stopWait, Runtime.getRuntime()::halt,
                System::exit);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("skylift-sigterm")
                .unstarted(termination::onShutdown));
        return termination;
    }

    /** Ends the process with the command's status; called once its result line is written. */
    void exit(ExitStatus commandStatus) {
        status = Objects.requireNonNull(commandStatus, "commandStatus must not be null");
        finished.countDown();
        exit.accept(commandStatus.code());
    }

    /** The shutdown hook: after SIGTERM, or after {@link #exit} (then it only keeps the command's status). */
    void onShutdown() {
        if (finished.getCount() > 0) {
            signal.stop(TaskLimit.TERMINATED);
            boolean woundDown = false;
            try {
                woundDown = finished.await(stopWait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!woundDown) {
                line.write(new DirectOutcome.Failed(command, ErrorCode.DEADLINE_EXCEEDED, TaskLimit.TERMINATED.stopped()
                        + ". The command did not wind down within " + stopWait.toSeconds() + " s of the cancel: its "
                        + "statement may still be running in the database (a transactional migration is rolled back "
                        + "when it ends; a non-transactional one keeps what it did). Check pg_stat_activity, then the "
                        + "'info' command."));
            }
        }
        halt.accept(status.code());
    }
}
