package io.skylift.infra.migrator;

import java.time.Instant;
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
 * with no provider framework in between. Its {@value #DEPLOY_ID} property is the deploy's time as an
 * ISO-8601 UTC instant ({@code 2026-11-28T09:15:00Z}; DESIGN §2): a new value on every deploy makes each deploy an
 * Update, and the order of two values tells the function that an Update is CloudFormation rolling a failed
 * deploy back (its {@code DeployId} is earlier than {@code OldResourceProperties.DeployId}), which it answers
 * without migrating. Everything else in the template stays identical from one synth to the next.
 */
public final class SchemaMigration extends Construct {

    /** Resource type shown in CloudFormation's events. */
    public static final String RESOURCE_TYPE = "Custom::SkyliftSchemaMigration";

    /** The property that changes on every deploy. */
    public static final String DEPLOY_ID = "DeployId";

    private final CustomResource resource;

    public SchemaMigration(Construct scope, String id, Props props) {
        super(scope, id);
        Objects.requireNonNull(props, "props must not be null");

        resource = CustomResource.Builder.create(this, "Resource")
                .resourceType(RESOURCE_TYPE)
                .serviceToken(props.function().getFunctionArn())
                .serviceTimeout(serviceTimeout(props.functionTimeout()))
                .properties(Map.of(DEPLOY_ID, props.deployId().toString()))
                .build();
        props.dependsOn().forEach(resource.getNode()::addDependency);
    }

    /**
     * How long CloudFormation waits for the answer: the function's timeout plus the longest an event may
     * wait in Lambda's queue ({@link Migrator#MAX_EVENT_AGE}). An event that starts at all then answers while
     * CloudFormation still waits; a function that never answers fails the stack in minutes rather than
     * CloudFormation's default hour.
     */
    public static Duration serviceTimeout(Duration functionTimeout) {
        return Duration.seconds(functionTimeout.toSeconds().intValue() + Migrator.MAX_EVENT_AGE.toSeconds().intValue());
    }

    /** The schema version after the deploy's migration ({@code Fn::GetAtt SchemaVersion}). */
    public String getSchemaVersion() {
        return resource.getAttString("SchemaVersion");
    }

    /** How many migrations the deploy applied ({@code Fn::GetAtt MigrationsApplied}). */
    public String getMigrationsApplied() {
        return resource.getAttString("MigrationsApplied");
    }

    /** The custom resource. */
    public CustomResource getResource() {
        return resource;
    }

    /**
     * Custom resource properties. All required.
     *
     * @param function        the migrator, the service token
     * @param functionTimeout the function's timeout, which bounds the wait ({@link #serviceTimeout(Duration)})
     * @param deployId        the deploy's time, rendered as an ISO-8601 UTC instant
     * @param dependsOn       what must exist before migrating: the cluster, its writer, the secrets, the
     *                        endpoints, the function's permissions and its ingress rules (constructs in another
     *                        stack become a dependency on that stack)
     */
    public record Props(IFunction function, Duration functionTimeout, Instant deployId, List<IDependable> dependsOn) {

        public Props {
            Objects.requireNonNull(function, "function must not be null");
            Objects.requireNonNull(functionTimeout, "functionTimeout must not be null");
            Objects.requireNonNull(deployId, "deployId must not be null");
            dependsOn = List.copyOf(Objects.requireNonNull(dependsOn, "dependsOn must not be null"));
        }

        /** A builder; {@code dependsOn} starts empty. */
        public static Builder builder() {
            return new Builder();
        }

        /** Builds {@link Props}. */
        public static final class Builder {
            private IFunction function;
            private Duration functionTimeout;
            private Instant deployId;
            private List<IDependable> dependsOn = List.of();

            public Builder function(IFunction value) {
                function = value;
                return this;
            }

            public Builder functionTimeout(Duration value) {
                functionTimeout = value;
                return this;
            }

            public Builder deployId(Instant value) {
                deployId = value;
                return this;
            }

            public Builder dependsOn(List<IDependable> value) {
                dependsOn = value;
                return this;
            }

            public Props build() {
                return new Props(function, functionTimeout, deployId, dependsOn);
            }
        }
    }
}
