package io.skylift.infra;

import io.skylift.infra.config.SkyliftSettings;
import io.skylift.infra.config.StageSettings;
import io.skylift.infra.database.Database;
import io.skylift.infra.migrator.AlarmTopic;
import io.skylift.infra.migrator.Migrator;
import io.skylift.infra.migrator.MigratorMonitoring;
import io.skylift.infra.migrator.SchemaMigration;
import io.skylift.infra.network.Network;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.lambda.Architecture;
import software.constructs.Construct;
import software.constructs.IDependable;

/**
 * One stage's stateless half: the migrator function, the custom resource that migrates on every deploy,
 * the migrator's network access to the database and Secrets Manager, its alarms and their topic, and the
 * outputs operators and the pipeline read. It depends on the stage's {@link DataStack}.
 *
 * <p>A failed migration fails and rolls back this stack only. After a failed first deploy it is left in
 * {@code ROLLBACK_COMPLETE} and holds nothing of value: deleting it is the recovery (README, Operations).
 *
 * <p>The ingress rules that admit the migrator to the database and to the Secrets Manager endpoint live
 * here, with the migrator's security group, rather than in the data stack: a rule there would name this
 * stack's security group, and the data stack would then depend on this one (a cycle). Here they also roll
 * back with the migrator, and the custom resource can wait for them by name.
 */
public final class MigratorStack extends Stack {

    /** Output: schema version after this deploy's migration. */
    public static final String OUTPUT_SCHEMA_VERSION = "SchemaVersion";
    /** Output: migrations this deploy applied. */
    public static final String OUTPUT_MIGRATIONS_APPLIED = "MigrationsApplied";
    /** Output: the migrator's ARN, which the pipeline's post-deploy step invokes. */
    public static final String OUTPUT_MIGRATOR_ARN = "MigratorFunctionArn";
    /** Output: the SNS topic the migrator's alarms notify. */
    public static final String OUTPUT_ALARM_TOPIC_ARN = "AlarmTopicArn";

    private final Migrator migrator;
    private final SchemaMigration migration;
    private final MigratorMonitoring monitoring;
    private final CfnOutput migratorArnOutput;

    public MigratorStack(Construct scope, String id, StageStackProps props, DataStack data) {
        super(scope, id, props.stackProps(nameOf(props.settings(), props.stage()),
                "Skylift " + props.stage().name() + ": the Flyway migrator, its custom resource and its alarms",
                // Never protected: deleting it is how a failed first deploy is cleared, and it holds no data.
                false));
        Objects.requireNonNull(data, "data must not be null");
        SkyliftSettings settings = props.settings();
        StageSettings stage = props.stage();
        Network network = data.getNetwork();
        Database database = data.getDatabase();
        addStackDependency(data, "the migrator runs in the data stack's network against its cluster and secrets");

        Duration timeout = Duration.minutes(settings.migrator().timeoutMinutes());
        String functionName = functionName(settings, stage);
        migrator = new Migrator(this, "Migrator", Migrator.Props.builder()
                .vpc(network.getVpc())
                .subnets(network.getWorkloadSubnets())
                .functionName(functionName)
                .imageDirectory(props.imageDirectory())
                .databaseSecret(database.getMasterSecret())
                .appSecret(database.getAppSecret())
                .architecture("x86_64".equals(settings.migrator().architecture()) ? Architecture.X86_64
                        : Architecture.ARM_64)
                .timeout(timeout)
                .memoryMb(settings.migrator().memoryMb())
                .logRetention(settings.migrator().logRetention())
                .invokingAccount(settings.isCrossAccount(stage) ? settings.pipeline().account() : Optional.empty())
                .build());
        migrator.allowTo("DatabaseIngress", database.getCluster(), Database.PORT, "PostgreSQL from the migrator");
        migrator.allowTo("SecretsManagerIngress", network.getSecretsManagerEndpoint(), 443,
                "Secrets Manager (HTTPS) from the migrator");

        AlarmTopic alarmTopic = new AlarmTopic(this, "AlarmTopic", functionName + "-alarms");
        monitoring = new MigratorMonitoring(this, "Monitoring", MigratorMonitoring.Props.builder()
                .function(migrator.getFunction())
                .dashboardName(functionName)
                .alarmTopic(alarmTopic.getTopic())
                .build());

        // Everything a migration needs: the cluster and its writer, the secrets, the endpoints (data stack, which
        // CDK turns into the stack dependency above), and in this stack the function with its permissions,
        // its log group and its ingress rules (all under the Migrator construct).
        migration = new SchemaMigration(this, "SchemaMigration", SchemaMigration.Props.builder()
                .function(migrator.getFunction())
                .functionTimeout(timeout)
                .deployId(settings.deployId())
                .dependsOn(List.<IDependable>of(database.getCluster(), database.getWriter(), database.getAppSecret(),
                        network.getVpc(), migrator))
                .build());

        output(OUTPUT_SCHEMA_VERSION, migration.getSchemaVersion(),
                "Schema version after this deploy's migration ('none' for an empty database)");
        output(OUTPUT_MIGRATIONS_APPLIED, migration.getMigrationsApplied(),
                "Migrations this deploy applied (0 when the schema was already current)");
        migratorArnOutput = output(OUTPUT_MIGRATOR_ARN, migrator.getFunction().getFunctionArn(),
                "The migrator: aws lambda invoke --function-name <this> --payload '{\"command\":\"info\"}' ...");
        output("MigratorFunctionName", migrator.getFunction().getFunctionName(), "The migrator's function name");
        output("DashboardName", monitoring.getDashboard().getDashboardName(), "CloudWatch dashboard of the migrator");
        output("ErrorAlarmName", monitoring.getErrorAlarm().getAlarmName(), "Alarm on the migrator's errors");
        output("MigrationFailedAlarmName", monitoring.getMigrationFailedAlarm().getAlarmName(),
                "Alarm on failed migrations (every caller, the custom resource included)");
        output(OUTPUT_ALARM_TOPIC_ARN, alarmTopic.getTopic().getTopicArn(),
                "SNS topic of the migrator's alarms: aws sns subscribe --topic-arn <this> --protocol email ...");
    }

    /** The migrator. */
    public Migrator getMigrator() {
        return migrator;
    }

    /** The custom resource. */
    public SchemaMigration getMigration() {
        return migration;
    }

    /** The alarms and the dashboard. */
    public MigratorMonitoring getMonitoring() {
        return monitoring;
    }

    /** The output holding the migrator's ARN, for the pipeline's post-deploy step. */
    public CfnOutput getMigratorArnOutput() {
        return migratorArnOutput;
    }

    /** The stack name, {@code <namePrefix>-<stage>-migrator}. */
    public static String nameOf(SkyliftSettings settings, StageSettings stage) {
        return DataStack.nameOf(settings, stage) + "-migrator";
    }

    /** The physical name of a stage's migrator function: {@code <namePrefix>-<stage>-migrator}. */
    public static String functionName(SkyliftSettings settings, StageSettings stage) {
        return settings.namePrefix() + "-" + stage.name() + "-migrator";
    }

    private CfnOutput output(String id, String value, String description) {
        return CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }
}
