package io.skylift.migrator.task;

import io.skylift.migrator.DirectOutcome;
import io.skylift.migrator.failure.ErrorCode;
import java.util.Set;

/** The task's exit status (contract, DESIGN §2 "task entry point"): what an ECS or Step Functions caller acts on. */
enum ExitStatus {
    /** The command succeeded. */
    SUCCESS(0),
    /** The command ran and failed (the database's error, a stop by SIGTERM or the timeout): running it again may help. */
    FAILED(1),
    /** The invocation or the configuration is wrong: the same task will fail the same way until someone fixes it. */
    INVALID(2);

    /** Failures of what the task was given, not of what it did. */
    private static final Set<ErrorCode> INVALID_CODES =
            Set.of(ErrorCode.CONFIGURATION, ErrorCode.INVALID_INVOCATION, ErrorCode.COMMAND_NOT_ALLOWED,
                    ErrorCode.FLYWAY_CONFIGURATION);

    private final int code;

    ExitStatus(int code) {
        this.code = code;
    }

    /** The process's exit status. */
    public int code() {
        return code;
    }

    public static ExitStatus of(DirectOutcome outcome) {
        return switch (outcome) {
            case DirectOutcome.Succeeded ignored -> SUCCESS;
            case DirectOutcome.Failed failed -> INVALID_CODES.contains(failed.code()) ? INVALID : FAILED;
        };
    }
}
