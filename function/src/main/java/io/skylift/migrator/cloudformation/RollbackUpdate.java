package io.skylift.migrator.cloudformation;

import io.skylift.contract.SchemaMigrationResource;
import io.skylift.migrator.invocation.CloudFormationRequest;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Update that CloudFormation sends when it rolls a failed update back: the <em>old</em> properties, sent to the
 * function as it is <em>now</em>. The function knows its own deploy ({@code SKYLIFT_DEPLOY_ID}, the same value as the
 * custom resource's {@code DeployId}, both from one synthesis): the rollback is the Update whose
 * {@code OldResourceProperties.DeployId} is the function's own and whose {@code ResourceProperties.DeployId} is not.
 * An Update carrying the function's own {@code DeployId} is a forward deploy, whatever the ids' clocks say: a pipeline
 * that synthesized before someone else deployed is still a forward deploy, so clocks are never compared.
 *
 * <p>Migrating on a rollback would run the failed deploy's migrations again (and fail again), leaving the stack in
 * {@code UPDATE_ROLLBACK_FAILED}; so it is answered SUCCESS without the secret or the database.
 *
 * <p>Without {@code SKYLIFT_DEPLOY_ID} (a construct older than the variable) no Update is a rollback: every Update
 * migrates. That is the safe direction: taking a forward deploy for a rollback ships the application against an
 * unmigrated schema without a word, while migrating on a true rollback fails loudly in a state CloudFormation
 * recovers from ({@code continue-update-rollback} skipping the resource).
 *
 * @param deployId       the deploy being rolled back to; null when its properties carry none
 * @param failedDeployId the deploy that failed and is being rolled back: the function's own
 */
record RollbackUpdate(String deployId, String failedDeployId) {
    private static final Logger LOG = LoggerFactory.getLogger(RollbackUpdate.class);
    /** The custom resource's property that carries the deploy's id. */
    public static final String DEPLOY_ID = SchemaMigrationResource.DEPLOY_ID;

    public RollbackUpdate {
        Objects.requireNonNull(failedDeployId, "failedDeployId must not be null");
    }

    /**
     * @param ownDeployId the function's {@code SKYLIFT_DEPLOY_ID}; null or blank when it is not set
     * @return the rollback, when {@code request} is an Update whose old {@code DeployId} is {@code ownDeployId} and
     *         whose new one is not; empty otherwise
     */
    public static Optional<RollbackUpdate> of(CloudFormationRequest request, String ownDeployId) {
        if (!"Update".equals(request.requestType())) {
            return Optional.empty();
        }
        if (ownDeployId == null || ownDeployId.isBlank()) {
            LOG.warn("SKYLIFT_DEPLOY_ID is not set: this Update migrates, since a rollback cannot be told from a"
                    + " forward deploy without it (set it to the custom resource's DeployId; the construct does)");
            return Optional.empty();
        }
        String own = ownDeployId.strip();
        Optional<String> next = deployId(request.event().getResourceProperties());
        Optional<String> previous = deployId(request.event().getOldResourceProperties());
        if (previous.isEmpty() || !previous.get().equals(own) || next.filter(own::equals).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new RollbackUpdate(next.orElse(null), own));
    }

    private static Optional<String> deployId(Map<String, Object> properties) {
        if (properties == null || !(properties.get(DEPLOY_ID) instanceof String text) || text.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(text.strip());
    }

    /** For the log and the answer's reason. */
    public String describe() {
        return "the function's own deploy " + failedDeployId + " is the one rolled back, to DeployId "
                + (deployId == null ? "(none)" : deployId);
    }
}
