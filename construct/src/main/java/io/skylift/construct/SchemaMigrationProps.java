package io.skylift.construct;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.IFunction;
import software.constructs.IDependable;

/** Properties of {@link SchemaMigration}. Required: {@code function}, {@code functionTimeout}. */
public final class SchemaMigrationProps {

    private final IFunction function;
    private final Duration functionTimeout;
    private final MigrationTrigger migrateOn;
    private final String deployId;
    private final List<IDependable> dependsOn;

    private SchemaMigrationProps(Builder builder) {
        function = Objects.requireNonNull(builder.function, "function must not be null");
        functionTimeout = SchemaMigration.checkedTimeout(
                Objects.requireNonNull(builder.functionTimeout, "functionTimeout must not be null"), "functionTimeout");
        migrateOn = builder.migrateOn == null ? MigrationTrigger.EVERY_DEPLOY : builder.migrateOn;
        String given = SchemaMigration.checkedDeployId(builder.deployId, migrateOn);
        deployId = given != null || migrateOn == MigrationTrigger.MIGRATIONS_CHANGE ? given : synthTime();
        dependsOn = List.copyOf(builder.dependsOn);
    }

    /** The default deploy id: the synth time, to the second, as an ISO-8601 UTC instant. */
    static String synthTime() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The migrator, the service token. */
    public IFunction getFunction() {
        return function;
    }

    /** The function's timeout, 1 to 15 minutes, which bounds CloudFormation's wait. */
    public Duration getFunctionTimeout() {
        return functionTimeout;
    }

    /** When to migrate; default {@link MigrationTrigger#EVERY_DEPLOY}. */
    public MigrationTrigger getMigrateOn() {
        return migrateOn;
    }

    /**
     * The deploy's time as an ISO-8601 UTC instant; default the synth time, to the second. Null with
     * {@link MigrationTrigger#MIGRATIONS_CHANGE}.
     */
    public String getDeployId() {
        return deployId;
    }

    /** What must exist before migrating; default nothing beyond the function. */
    public List<IDependable> getDependsOn() {
        return dependsOn;
    }

    /** Builds {@link SchemaMigrationProps}. */
    public static final class Builder {
        private IFunction function;
        private Duration functionTimeout;
        private MigrationTrigger migrateOn;
        private String deployId;
        private final List<IDependable> dependsOn = new ArrayList<>();

        private Builder() {
        }

        /** The migrator (required). */
        public Builder function(IFunction value) {
            function = value;
            return this;
        }

        /** The function's timeout (required), 1 to 15 minutes. */
        public Builder functionTimeout(Duration value) {
            functionTimeout = value;
            return this;
        }

        /**
         * When to migrate; default {@link MigrationTrigger#EVERY_DEPLOY}. With
         * {@link MigrationTrigger#MIGRATIONS_CHANGE} the resource carries no {@code DeployId}.
         */
        public Builder migrateOn(MigrationTrigger value) {
            migrateOn = value;
            return this;
        }

        /** The deploy's time, {@code 2026-11-28T09:15:00Z}; default the synth time; only with EVERY_DEPLOY. */
        public Builder deployId(String value) {
            deployId = value;
            return this;
        }

        /** What must exist before migrating (adds to the list). */
        public Builder dependsOn(List<? extends IDependable> value) {
            dependsOn.addAll(Objects.requireNonNull(value, "dependsOn must not be null"));
            return this;
        }

        public SchemaMigrationProps build() {
            return new SchemaMigrationProps(this);
        }
    }
}
