package io.skylift.migrator.cloudformation;

import io.skylift.migrator.invocation.CloudFormationRequest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * The Update that CloudFormation sends when it rolls a failed update back: the <em>old</em> properties, sent to the
 * function as it is <em>now</em>. It is recognised by its {@code DeployId} (the deploy's time, an ISO-8601 UTC instant
 * such as {@code 2026-11-28T09:15:00Z}) being earlier than {@code OldResourceProperties.DeployId}: a forward deploy
 * always carries a later time than the one before it.
 *
 * <p>Migrating on such an Update would run the failed deploy's migrations again (and fail again), leaving the stack
 * in {@code UPDATE_ROLLBACK_FAILED}; so it is answered SUCCESS without the secret or the database.
 *
 * @param deployId       the deploy being rolled back to
 * @param failedDeployId the deploy that failed and is being rolled back
 */
public record RollbackUpdate(Instant deployId, Instant failedDeployId) {
    /** The custom resource's property that carries the deploy's time. */
    public static final String DEPLOY_ID = "DeployId";

    /**
     * @return the rollback, when {@code request} is an Update whose {@code DeployId} and old {@code DeployId} are
     *         both instants and the new one is the earlier; empty otherwise (missing or malformed ids migrate, as
     *         a forward Update does)
     */
    public static Optional<RollbackUpdate> of(CloudFormationRequest request) {
        if (!"Update".equals(request.requestType())) {
            return Optional.empty();
        }
        Optional<Instant> next = deployId(request.event().getResourceProperties());
        Optional<Instant> previous = deployId(request.event().getOldResourceProperties());
        if (next.isEmpty() || previous.isEmpty() || !next.get().isBefore(previous.get())) {
            return Optional.empty();
        }
        return Optional.of(new RollbackUpdate(next.get(), previous.get()));
    }

    private static Optional<Instant> deployId(Map<String, Object> properties) {
        if (properties == null || !(properties.get(DEPLOY_ID) instanceof String text)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text.trim()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** For the log and the answer's reason. */
    public String describe() {
        return "DeployId " + deployId + " is earlier than the failed deploy's " + failedDeployId;
    }
}
