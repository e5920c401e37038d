package io.skylift.construct;

import io.skylift.contract.SchemaMigrationResource;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.CustomResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.constructs.Construct;

/**
 * The custom resource that has CloudFormation invoke the migrator on every deploy.
 *
 * <p>Its service token is the function itself: the function answers CloudFormation's response URL, with no provider
 * framework in between. Its {@value #DEPLOY_ID} property is the deploy's time as an ISO-8601 UTC instant
 * ({@code 2026-11-28T09:15:00Z}): a new value on every deploy makes each deploy an Update. The function carries the same
 * value as {@code SKYLIFT_DEPLOY_ID} (one synthesis, one deploy): an Update whose {@code OldResourceProperties.DeployId}
 * is the function's own and whose {@code DeployId} is not is CloudFormation rolling a failed deploy back, which it
 * answers without migrating; ids are compared, never clocks. With
 * {@link MigrationTrigger#MIGRATIONS_CHANGE} it carries no {@code DeployId}: the owner puts the migrations' digest in
 * its construct id, so a change of migrations creates a new resource and deletes the old one.
 *
 * <p>It is the last resource of its stack: it depends on every other one ({@link LastInStack}), so nothing else of the
 * stack can fail and cancel the stack while the migration runs.
 */
public class SchemaMigration extends Construct {

    /** Resource type shown in CloudFormation's events. */
    public static final String RESOURCE_TYPE = SchemaMigrationResource.TYPE;

    /** The property that changes on every deploy. */
    public static final String DEPLOY_ID = SchemaMigrationResource.DEPLOY_ID;

    private static final Pattern UTC_INSTANT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");

    private final CustomResource resource;

    public SchemaMigration(Construct scope, String id, SchemaMigrationProps props) {
        super(scope, id);
        Objects.requireNonNull(props, "props must not be null");
        resource = CustomResource.Builder.create(this, "Resource")
                .resourceType(RESOURCE_TYPE)
                .serviceToken(props.getFunction().getFunctionArn())
                .serviceTimeout(serviceTimeout(props.getFunctionTimeout()))
                // Without DeployId (MIGRATIONS_CHANGE) the properties never change: a migration change replaces the
                // resource (its id holds the migrations' digest) instead of updating it.
                .properties(props.getDeployId() == null ? Map.of() : Map.of(DEPLOY_ID, props.getDeployId()))
                .build();
        props.getDependsOn().forEach(resource.getNode()::addDependency);
        Aspects.of(Stack.of(this)).add(new LastInStack((CfnResource) resource.getNode().getDefaultChild()));
    }

    /**
     * How long CloudFormation waits for the answer: the function's timeout plus the longest an event may wait in
     * Lambda's queue ({@link SchemaMigrator#MAX_EVENT_AGE_SECONDS}). An event that starts at all then answers while
     * CloudFormation still waits; a function that never answers fails the stack in minutes, not CloudFormation's hour.
     */
    public static Duration serviceTimeout(Duration functionTimeout) {
        return Duration.seconds(functionTimeout.toSeconds().intValue() + SchemaMigrator.MAX_EVENT_AGE_SECONDS);
    }

    /**
     * The function's timeout, checked for both props classes: at least a minute, at most Lambda's fifteen.
     *
     * @param name what the value is called, for the error message
     * @throws IllegalArgumentException naming {@code name} and the value when it is out of range
     */
    static Duration checkedTimeout(Duration value, String name) {
        double seconds = value.toSeconds().doubleValue();
        if (seconds < 60 || seconds > 900) {
            throw new IllegalArgumentException(name + " must be from 1 to 15 minutes (Lambda's ceiling), was "
                    + seconds + " s");
        }
        return value;
    }

    /**
     * The deploy id given for a trigger, for both props classes: {@code null} when unset, else the instant
     * {@link #utcInstant} reads, written back in its canonical form.
     *
     * @throws IllegalArgumentException when it is not a UTC instant, or when it is set with
     *         {@link MigrationTrigger#MIGRATIONS_CHANGE}
     */
    static String checkedDeployId(String value, MigrationTrigger migrateOn) {
        if (value == null) {
            return null;
        }
        if (migrateOn == MigrationTrigger.NEVER) {
            throw new IllegalArgumentException("deployId is not used with migrateOn NEVER (there is no custom resource):"
                    + " leave deployId unset or use EVERY_DEPLOY");
        }
        if (migrateOn == MigrationTrigger.MIGRATIONS_CHANGE) {
            throw new IllegalArgumentException("deployId is not used with migrateOn MIGRATIONS_CHANGE (the custom"
                    + " resource then carries no DeployId): leave deployId unset or use EVERY_DEPLOY");
        }
        return utcInstant(value, "deployId").toString();
    }

    /**
     * Parses an ISO-8601 UTC instant written with {@code Z} ({@code 2026-11-28T09:15:00Z}, fractions of a second
     * allowed). Offsets are refused rather than converted, so the value given is the value in the template.
     *
     * @param name what the value is called, for the error message
     * @throws IllegalArgumentException naming {@code name} and the value when it is not such an instant
     */
    public static Instant utcInstant(String value, String name) {
        String expected = name + " must be an ISO-8601 UTC instant such as 2026-11-28T09:15:00Z, was '" + value + "'";
        if (value == null || !UTC_INSTANT.matcher(value).matches()) {
            throw new IllegalArgumentException(expected);
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            // Shaped right but not a date, e.g. month 13 or 25 o'clock.
            throw new IllegalArgumentException(expected, e);
        }
    }

    /** The schema version after the deploy's migration ({@code Fn::GetAtt SchemaVersion}). */
    public String getSchemaVersion() {
        return resource.getAttString(SchemaMigrationResource.SCHEMA_VERSION);
    }

    /** How many migrations the deploy applied ({@code Fn::GetAtt MigrationsApplied}). */
    public String getMigrationsApplied() {
        return resource.getAttString(SchemaMigrationResource.MIGRATIONS_APPLIED);
    }

    /** The custom resource. */
    public CustomResource getResource() {
        return resource;
    }
}
