package io.skylift.infra;

import io.skylift.infra.config.SkyliftSettings;
import io.skylift.infra.config.StageSettings;
import io.skylift.infra.database.Database;
import io.skylift.infra.migrator.Migrator;
import io.skylift.infra.migrator.MigratorMonitoring;
import io.skylift.infra.migrator.SchemaMigration;
import io.skylift.infra.network.Network;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;
import software.constructs.IDependable;

/**
 * One stage's database and migrator: network, Aurora cluster, migrator function, the custom resource
 * that migrates on every deploy, monitoring, and the outputs operators and the pipeline read.
 */
public final class SkyliftStack extends Stack {

    /** Output: schema version after this deploy's migration. */
    public static final String OUTPUT_SCHEMA_VERSION = "SchemaVersion";
    /** Output: migrations this deploy applied. */
    public static final String OUTPUT_MIGRATIONS_APPLIED = "MigrationsApplied";
    /** Output: the migrator's ARN, which the pipeline's post-deploy step invokes. */
    public static final String OUTPUT_MIGRATOR_ARN = "MigratorFunctionArn";

    private final Migrator migrator;
    private final CfnOutput migratorArnOutput;

    public SkyliftStack(Construct scope, String id, Props props) {
        super(scope, id, stackProps(props));
        SkyliftSettings settings = props.settings();
        StageSettings stage = props.stage();
        String name = settings.namePrefix() + "-" + stage.name();
        RetentionDays logRetention = settings.migrator().logRetention();

        Network network = new Network(this, "Network", Network.Props.builder()
                .cidr(settings.network().cidr())
                .natGateways(settings.network().natGateways())
                .logRetention(logRetention)
                .build());

        Database database = new Database(this, "Database", Database.Props.builder()
                .vpc(network.getVpc())
                .subnets(network.getWorkloadSubnets())
                .clusterIdentifier(name)
                .engineVersion(settings.database().engineVersion())
                .databaseName(settings.database().databaseName())
                .masterUsername(settings.database().masterUsername())
                .appUsername(settings.database().appUsername())
                .capacity(stage.minCapacity(), stage.maxCapacity())
                .autoPauseMinutes(settings.database().autoPauseMinutes())
                .backupRetentionDays(settings.database().backupRetentionDays())
                .removalPolicy(stage.removalPolicy())
                .deletionProtection(stage.deletionProtection())
                .logRetention(logRetention)
                .build());

        Duration timeout = Duration.minutes(settings.migrator().timeoutMinutes());
        migrator = new Migrator(this, "Migrator", Migrator.Props.builder()
                .vpc(network.getVpc())
                .subnets(network.getWorkloadSubnets())
                .functionName(functionName(settings, stage))
                .imageDirectory(props.imageDirectory())
                .databaseSecret(database.getMasterSecret())
                .appSecret(database.getAppSecret())
                .architecture("x86_64".equals(settings.migrator().architecture()) ? Architecture.X86_64
                        : Architecture.ARM_64)
                .timeout(timeout)
                .memoryMb(settings.migrator().memoryMb())
                .logRetention(logRetention)
                .invokingAccount(settings.isCrossAccount(stage) ? settings.pipeline().account() : Optional.empty())
                .build());
        database.allowFrom(migrator.getSecurityGroup());
        network.allowSecretsManagerFrom(migrator.getSecurityGroup());

        MigratorMonitoring monitoring = new MigratorMonitoring(this, "Monitoring", migrator.getFunction(),
                name + "-migrator");

        // Migrate only once the writer is up and the migrator can reach Secrets Manager and S3 (its answer).
        SchemaMigration migration = new SchemaMigration(this, "SchemaMigration", migrator.getFunction(), timeout,
                settings.deployId(), List.<IDependable>of(database.getCluster(), database.getWriter(), database.getAppSecret(),
                        network.getVpc(), migrator));

        output(OUTPUT_SCHEMA_VERSION, migration.getSchemaVersion(),
                "Schema version after this deploy's migration ('none' for an empty database)");
        output(OUTPUT_MIGRATIONS_APPLIED, migration.getMigrationsApplied(),
                "Migrations this deploy applied (0 when the schema was already current)");
        migratorArnOutput = output(OUTPUT_MIGRATOR_ARN, migrator.getFunction().getFunctionArn(),
                "The migrator: aws lambda invoke --function-name <this> --payload '{\"command\":\"info\"}' ...");
        output("MigratorFunctionName", migrator.getFunction().getFunctionName(), "The migrator's function name");
        output("DatabaseEndpoint", database.getCluster().getClusterEndpoint().getHostname(),
                "Writer endpoint of the Aurora cluster (reachable inside the VPC only)");
        output("DatabaseSecretArn", database.getMasterSecret().getSecretArn(), "Master user's secret");
        output("AppSecretArn", database.getAppSecret().getSecretArn(),
                "Application user's secret (username, password, host, port, dbname)");
        output("DashboardName", monitoring.getDashboard().getDashboardName(), "CloudWatch dashboard of the migrator");
        output("ErrorAlarmName", monitoring.getErrorAlarm().getAlarmName(), "Alarm on the migrator's errors");
    }

    /**
     * Two zones from {@code Fn::GetAZs}, also when the stage names its account and region: the default
     * would look the zones up with AWS credentials, and {@code cdk synth} must work without them.
     */
    @Override
    public List<String> getAvailabilityZones() {
        return List.of(Fn.select(0, Fn.getAzs()), Fn.select(1, Fn.getAzs()));
    }

    /** The migrator. */
    public Migrator getMigrator() {
        return migrator;
    }

    /** The output holding the migrator's ARN, for the pipeline's post-deploy step. */
    public CfnOutput getMigratorArnOutput() {
        return migratorArnOutput;
    }

    /** The physical name of a stage's migrator function: {@code <namePrefix>-<stage>-migrator}. */
    public static String functionName(SkyliftSettings settings, StageSettings stage) {
        return settings.namePrefix() + "-" + stage.name() + "-migrator";
    }

    private CfnOutput output(String id, String value, String description) {
        return CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }

    private static StackProps stackProps(Props props) {
        SkyliftSettings settings = props.settings();
        StageSettings stage = props.stage();
        StackProps.Builder builder = StackProps.builder()
                .stackName(settings.namePrefix() + "-" + stage.name())
                .description("Skylift " + stage.name() + ": Aurora Serverless v2 PostgreSQL and its Flyway migrator")
                // A protected database comes with a protected stack: deleting either takes two deliberate steps.
                .terminationProtection(stage.deletionProtection());
        Optional<String> account = settings.accountOf(stage);
        Optional<String> region = settings.regionOf(stage);
        if (account.isPresent() || region.isPresent()) {
            builder.env(Environment.builder().account(account.orElse(null)).region(region.orElse(null)).build());
        }
        return builder.build();
    }

    /**
     * Stack properties.
     *
     * @param settings       all settings
     * @param stage          the stage this stack belongs to
     * @param imageDirectory the directory holding the migrator's {@code Dockerfile}
     */
    public record Props(SkyliftSettings settings, StageSettings stage, Path imageDirectory) {
        public Props {
            Objects.requireNonNull(settings, "settings must not be null");
            Objects.requireNonNull(stage, "stage must not be null");
            Objects.requireNonNull(imageDirectory, "imageDirectory must not be null");
        }
    }
}
