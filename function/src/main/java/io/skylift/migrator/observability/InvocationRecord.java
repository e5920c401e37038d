package io.skylift.migrator.observability;

import io.skylift.migrator.ResultStatus;
import io.skylift.migrator.invocation.Caller;
import io.skylift.migrator.migration.MigrationReport;
import java.util.Objects;

/**
 * What one invocation did, for its structured log line and metrics. Fields that do not apply are null. Built by name
 * with {@link #builder}.
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

    public InvocationRecord {
        Objects.requireNonNull(caller, "caller must not be null");
        Objects.requireNonNull(outcome, "outcome must not be null");
    }

    public boolean failed() {
        return outcome != ResultStatus.SUCCESS;
    }

    /** The record of the invocation {@code requestId} from {@code caller}; the builder names every other field. */
    public static Builder builder(String requestId, Caller caller) {
        return new Builder(requestId, caller);
    }

    /** Sets the fields by name; what is not set is null (0 for the count and the duration). */
    public static final class Builder {
        private final String requestId;
        private final Caller caller;
        private String stackId;
        private String requestType;
        private String command;
        private ResultStatus outcome;
        private MigrationReport report;
        private long durationMs;
        private String error;
        private String errorCode;

        private Builder(String requestId, Caller caller) {
            this.requestId = requestId;
            this.caller = caller;
        }

        /** The CloudFormation event's stack and request type. */
        public Builder cloudFormation(String stackIdValue, String requestTypeValue) {
            stackId = stackIdValue;
            requestType = requestTypeValue;
            return this;
        }

        public Builder command(String value) {
            command = value;
            return this;
        }

        public Builder outcome(ResultStatus value) {
            outcome = value;
            return this;
        }

        /**
         * The versions and the count of applied migrations of {@code value}, and for {@code drift} the number of
         * differences it found; null leaves them unset.
         */
        public Builder report(MigrationReport value) {
            report = value;
            return this;
        }

        public Builder durationMs(long value) {
            durationMs = value;
            return this;
        }

        /** The failure's {@code ErrorCode} name and message. */
        public Builder error(String code, String message) {
            errorCode = code;
            error = message;
            return this;
        }

        public InvocationRecord build() {
            return new InvocationRecord(requestId, caller, stackId, requestType, command, outcome,
                    report == null ? null : report.previousSchemaVersion(),
                    report == null ? null : report.schemaVersion(), report == null ? 0 : report.migrationsApplied(),
                    durationMs, error, errorCode,
                    report == null || report.drift() == null ? null : report.drift().differences().size());
        }
    }
}
