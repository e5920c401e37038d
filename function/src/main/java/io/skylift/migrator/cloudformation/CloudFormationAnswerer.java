package io.skylift.migrator.cloudformation;

import io.skylift.contract.SchemaMigrationResource;
import io.skylift.migrator.ResultStatus;
import io.skylift.migrator.deadline.Deadline;
import io.skylift.migrator.invocation.CloudFormationRequest;
import io.skylift.migrator.migration.MigrationReport;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides the answer to a CloudFormation event and delivers it, exactly once. Create and Update migrate; Delete
 * answers SUCCESS without touching the database or the secret, because the stack may be deleting them; so does a
 * {@link RollbackUpdate}, because migrating again would fail again and leave the stack in
 * {@code UPDATE_ROLLBACK_FAILED}. Every failure, of any kind, becomes a FAILED answer with a reason.
 */
public final class CloudFormationAnswerer {
    private static final Logger LOG = LoggerFactory.getLogger(CloudFormationAnswerer.class);
    /** {@code Data.SchemaVersion} of a rollback: the old template's outputs read it, but nothing read the database. */
    public static final String ROLLBACK_SCHEMA_VERSION = "unchanged (rollback; not read)";

    private final ResponseSender sender;
    private final String ownDeployId;

    /**
     * @param ownDeployId the function's {@code SKYLIFT_DEPLOY_ID}, which tells a {@link RollbackUpdate}; null when not
     *                    set (every Update then migrates)
     */
    public CloudFormationAnswerer(ResponseSender sender, String ownDeployId) {
        this.sender = Objects.requireNonNull(sender, "sender must not be null");
        this.ownDeployId = ownDeployId;
    }

    /**
     * What was answered, for the log.
     *
     * @param report   what the migration did; null when none ran (Delete, rollback, failure)
     * @param rollback true when the event was a {@link RollbackUpdate}, answered without migrating
     */
    public record Outcome(CloudFormationResponse response, MigrationReport report, boolean delivered,
                          boolean rollback) {
    }

    /**
     * @param migrate        runs the migration; called only for Create and Update; may throw anything
     * @param describeError  turns a failure into the FAILED reason (already free of secrets)
     * @param answerDeadline the PUT's retries stop here
     */
    public Outcome answer(CloudFormationRequest request, Supplier<MigrationReport> migrate,
                          Function<Throwable, String> describeError, Deadline answerDeadline) {
        String physicalId = PhysicalResourceIds.forRequest(request);
        CloudFormationResponse response;
        MigrationReport report = null;
        Optional<String> refusal = ResponseUrlPolicy.refusal(request.event().getResponseUrl());
        if (refusal.isPresent()) {
            // Not CloudFormation: nothing to answer, so nothing to do.
            LOG.error("Refused the event: {}; nothing was migrated and no answer was sent", refusal.get());
            return new Outcome(failed(request, physicalId, "Refused: " + refusal.get()), null, false, false);
        }
        Optional<RollbackUpdate> rollback = RollbackUpdate.of(request, ownDeployId);
        try {
            if (rollback.isPresent()) {
                LOG.info("Rollback Update ({}): answering SUCCESS without reading the secret or connecting; the "
                        + "schema stays as it is", rollback.get().describe());
                response = success(request, physicalId, "Rollback (" + rollback.get().describe()
                        + "): nothing migrated, the database was not read", Map.of(
                        SchemaMigrationResource.SCHEMA_VERSION, ROLLBACK_SCHEMA_VERSION,
                        SchemaMigrationResource.MIGRATIONS_APPLIED, "0"));
            } else {
                switch (request.requestType()) {
                    case "Delete" -> response = success(request, physicalId, "Nothing to delete: the schema stays "
                            + "with the database", Map.of());
                    case "Create", "Update" -> {
                        report = migrate.get();
                        response = success(request, physicalId, "Schema at version " + versionOf(report)
                                + "; applied " + report.migrationsApplied() + " migration(s)", Map.of(
                                SchemaMigrationResource.SCHEMA_VERSION, versionOf(report),
                                SchemaMigrationResource.MIGRATIONS_APPLIED, Integer.toString(report.migrationsApplied())));
                    }
                    default -> response = failed(request, physicalId, "Unknown RequestType '"
                            + request.requestType() + "': expected Create, Update or Delete");
                }
            }
        } catch (Throwable t) { // NOPMD: any failure, Errors included, must still be answered
            response = failed(request, physicalId, describeError.apply(t));
        }
        // An interrupt during the work (cancelled or not) must not cost the answer: the stack would wait an hour.
        if (Thread.interrupted()) {
            LOG.warn("Interrupted while deciding the answer; sending it all the same");
        }
        boolean delivered = sender.send(request.event().getResponseUrl(), response.toJson(), answerDeadline);
        return new Outcome(response, report, delivered, rollback.isPresent());
    }

    /** "none" rather than empty: {@code Fn::GetAtt} of a missing key would fail the stack. */
    private static String versionOf(MigrationReport report) {
        return report.schemaVersion() == null ? "none" : report.schemaVersion();
    }

    private static CloudFormationResponse success(CloudFormationRequest request, String physicalId, String reason,
                                                  Map<String, String> data) {
        return new CloudFormationResponse(ResultStatus.SUCCESS, reason, physicalId,
                request.event().getStackId(), request.event().getRequestId(),
                request.event().getLogicalResourceId(), data);
    }

    private static CloudFormationResponse failed(CloudFormationRequest request, String physicalId, String reason) {
        return new CloudFormationResponse(ResultStatus.FAILED, reason, physicalId,
                request.event().getStackId(), request.event().getRequestId(),
                request.event().getLogicalResourceId(), Map.of());
    }
}
