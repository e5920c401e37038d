package io.skylift.contract;

/** The custom resource the construct declares and the function answers (DESIGN §2, "CloudFormation custom resource"). */
public final class SchemaMigrationResource {
    /** Resource type shown in CloudFormation's events. */
    public static final String TYPE = "Custom::SkyliftSchemaMigration";
    /** The property unique per synthesis; the function's {@link EnvironmentVariables#SKYLIFT_DEPLOY_ID} holds it too. */
    public static final String DEPLOY_ID = "DeployId";
    /** Attribute ({@code Data}) of the schema version after the event; {@code Fn::GetAtt} reads it. */
    public static final String SCHEMA_VERSION = "SchemaVersion";
    /** Attribute ({@code Data}) of how many migrations the event applied. */
    public static final String MIGRATIONS_APPLIED = "MigrationsApplied";

    private SchemaMigrationResource() {
    }
}
