package io.skylift.infra.migrator;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.CustomResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.IFunction;
import software.constructs.Construct;
import software.constructs.IDependable;

/**
 * The custom resource that has CloudFormation invoke the migrator on every deploy.
 *
 * <p>Its service token is the function itself: the function answers CloudFormation's response URL,
 * with no provider framework in between. Its {@value #DEPLOY_ID} property holds a value that changes
 * on every synth, so each deploy is an Update and migrates; everything else in the template stays
 * identical from one synth to the next.
 */
public final class SchemaMigration extends Construct {

    /** Resource type shown in CloudFormation's events. */
    public static final String RESOURCE_TYPE = "Custom::SkyliftSchemaMigration";

    /** The property that changes on every deploy. */
    public static final String DEPLOY_ID = "DeployId";

    /**
     * How long CloudFormation waits beyond the function's own timeout: the asynchronous invocation
     * queues briefly, and the answer is a PUT after the function's work.
     */
    public static final Duration SERVICE_TIMEOUT_MARGIN = Duration.seconds(60);

    private final CustomResource resource;

    /**
     * @param function  the migrator; its timeout bounds the wait
     * @param timeout   the function's timeout; the resource's ServiceTimeout is this plus
     *                  {@link #SERVICE_TIMEOUT_MARGIN}, so a function that never answers fails the stack in
     *                  minutes rather than CloudFormation's default hour
     * @param deployId  the value that changes on every deploy
     * @param dependsOn what must exist before migrating: the cluster, its writer, the network's endpoints
     */
    public SchemaMigration(Construct scope, String id, IFunction function, Duration timeout, String deployId,
            List<IDependable> dependsOn) {
        super(scope, id);
        Objects.requireNonNull(function, "function must not be null");
        Objects.requireNonNull(timeout, "timeout must not be null");
        Objects.requireNonNull(deployId, "deployId must not be null");
        Objects.requireNonNull(dependsOn, "dependsOn must not be null");

        resource = CustomResource.Builder.create(this, "Resource")
                .resourceType(RESOURCE_TYPE)
                .serviceToken(function.getFunctionArn())
                .serviceTimeout(Duration.seconds(timeout.toSeconds().intValue()
                        + SERVICE_TIMEOUT_MARGIN.toSeconds().intValue()))
                .properties(Map.of(DEPLOY_ID, deployId))
                .build();
        dependsOn.forEach(resource.getNode()::addDependency);
    }

    /** The schema version after the deploy's migration ({@code Fn::GetAtt SchemaVersion}). */
    public String getSchemaVersion() {
        return resource.getAttString("SchemaVersion");
    }

    /** How many migrations the deploy applied ({@code Fn::GetAtt MigrationsApplied}). */
    public String getMigrationsApplied() {
        return resource.getAttString("MigrationsApplied");
    }
}
