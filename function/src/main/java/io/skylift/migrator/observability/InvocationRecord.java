package io.skylift.migrator.observability;

import io.skylift.migrator.ResultStatus;
import io.skylift.migrator.invocation.Caller;

/**
 * What one invocation did, for its structured log line and metrics. Fields that do not apply are null.
 *
 * @param caller      CloudFormation's custom resource or a direct invocation
 * @param requestType CloudFormation's Create/Update/Delete
 * @param command     the direct command, {@code migrate} for Create/Update, {@code rollback} for a rollback Update
 *                    (answered without migrating)
 * @param outcome     how it ended
 * @param error       the failure's message (already free of secrets)
 * @param errorCode   the failure's {@code ErrorCode} name, null on success
 * @param schemaDrift {@code drift}: how many differences it found (0 for none); null for every other command
 */
public record InvocationRecord(String requestId, Caller caller, String stackId, String requestType, String command,
                               ResultStatus outcome, String previousSchemaVersion, String schemaVersion,
                               int migrationsApplied, long durationMs, String error,
                               String errorCode, Integer schemaDrift) {

    /** A record of any command but {@code drift}. */
    public InvocationRecord(String requestId, Caller caller, String stackId, String requestType, String command,
                            ResultStatus outcome, String previousSchemaVersion, String schemaVersion,
                            int migrationsApplied, long durationMs, String error, String errorCode) {
        this(requestId, caller, stackId, requestType, command, outcome, previousSchemaVersion, schemaVersion,
                migrationsApplied, durationMs, error, errorCode, null);
    }

    public boolean failed() {
        return outcome != ResultStatus.SUCCESS;
    }
}
