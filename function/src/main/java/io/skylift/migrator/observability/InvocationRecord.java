package io.skylift.migrator.observability;

/**
 * What one invocation did, for its structured log line and metrics. Fields that do not apply are null.
 *
 * @param caller      {@code cloudformation} or {@code direct}
 * @param requestType CloudFormation's Create/Update/Delete
 * @param command     the direct command, {@code migrate} for Create/Update, {@code rollback} for a rollback Update
 *                    (answered without migrating)
 * @param outcome     {@code SUCCESS} or {@code FAILED}
 * @param error       the failure's message (already free of secrets)
 * @param errorCode   the failure's {@code ErrorCode} name, null on success
 */
public record InvocationRecord(String requestId, String caller, String stackId, String requestType, String command,
                               String outcome, String previousSchemaVersion, String schemaVersion,
                               int migrationsApplied, long durationMs, String error,
                               String errorCode) {

    public boolean failed() {
        return !"SUCCESS".equals(outcome);
    }
}
