package io.skylift.migrator.cloudformation;

import io.skylift.migrator.deadline.Deadline;
import io.skylift.migrator.invocation.CloudFormationRequest;
import io.skylift.migrator.migration.MigrationReport;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Decides the answer to a CloudFormation event and delivers it, exactly once. Create and Update migrate; Delete
 * answers SUCCESS without touching the database or the secret, because the stack may be deleting them.
 * Every failure, of any kind, becomes a FAILED answer with a reason.
 */
public final class CloudFormationAnswerer {
    private final ResponseSender sender;

    public CloudFormationAnswerer(ResponseSender sender) {
        this.sender = Objects.requireNonNull(sender, "sender must not be null");
    }

    /** What was answered, for the log. */
    public record Outcome(CloudFormationResponse response, MigrationReport report, boolean delivered) {
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
        try {
            switch (request.requestType()) {
                case "Delete" -> response = success(request, physicalId, "Nothing to delete: the schema stays with "
                        + "the database", Map.of());
                case "Create", "Update" -> {
                    report = migrate.get();
                    response = success(request, physicalId, "Schema at version " + versionOf(report) + "; applied "
                            + report.migrationsApplied() + " migration(s)", Map.of(
                            "SchemaVersion", versionOf(report),
                            "MigrationsApplied", Integer.toString(report.migrationsApplied())));
                }
                default -> response = failed(request, physicalId, "Unknown RequestType '" + request.requestType()
                        + "': expected Create, Update or Delete");
            }
        } catch (Throwable t) { // NOPMD: any failure, Errors included, must still be answered
            response = failed(request, physicalId, describeError.apply(t));
        }
        boolean delivered = sender.send(request.event().getResponseUrl(), response.toJson(), answerDeadline);
        return new Outcome(response, report, delivered);
    }

    /** "none" rather than empty: {@code Fn::GetAtt} of a missing key would fail the stack. */
    private static String versionOf(MigrationReport report) {
        return report.schemaVersion() == null ? "none" : report.schemaVersion();
    }

    private static CloudFormationResponse success(CloudFormationRequest request, String physicalId, String reason,
                                                  Map<String, String> data) {
        return new CloudFormationResponse(CloudFormationResponse.SUCCESS, reason, physicalId,
                request.event().getStackId(), request.event().getRequestId(),
                request.event().getLogicalResourceId(), data);
    }

    private static CloudFormationResponse failed(CloudFormationRequest request, String physicalId, String reason) {
        return new CloudFormationResponse(CloudFormationResponse.FAILED, reason, physicalId,
                request.event().getStackId(), request.event().getRequestId(),
                request.event().getLogicalResourceId(), Map.of());
    }
}
