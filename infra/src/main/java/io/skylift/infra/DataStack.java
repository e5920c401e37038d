package io.skylift.infra;

import io.skylift.infra.config.SkyliftSettings;
import io.skylift.infra.config.StageSettings;
import io.skylift.infra.database.Database;
import io.skylift.infra.monitoring.AlarmTopic;
import io.skylift.infra.network.Network;
import io.skylift.construct.Runner;
import java.util.List;
import java.util.Optional;
import java.util.Objects;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.constructs.Construct;

/**
 * One stage's stateful half: the network, the Aurora cluster and its secrets, and the topic the migrator's alarms
 * notify.
 *
 * <p>Nothing of the migrator lives here, and nothing here refers to the migrator, so a failed migration
 * rolls back only the {@link MigratorStack}, never this stack (whose cluster may be deletion-protected). The alarm
 * topic lives here for the same reason: a failed first deploy of the migrator stack, which is then deleted, would take
 * the topic's subscriptions with it.
 * It keeps the stack name and logical ids the single-stack version used ({@code <namePrefix>-<stage>},
 * {@code Network/...}, {@code Database/...}), so an existing cluster stays where it is.
 */
public final class DataStack extends Stack {

    /** Output: the SNS topic the migrator's alarms notify. */
    public static final String OUTPUT_ALARM_TOPIC_ARN = "AlarmTopicArn";

    private final Network network;
    private final Database database;
    private final AlarmTopic alarmTopic;

    public DataStack(Construct scope, String id, StageStackProps props) {
        super(scope, id, props.stackProps(nameOf(props.settings(), props.stage()),
                "Skylift " + props.stage().name() + ": network and Aurora Serverless v2 PostgreSQL",
                // Every stage: the migrator stack reads this one's outputs by weak references, which do not stop a
                // delete; protection makes deleting the cluster under a migrator a deliberate second step.
                true));
        SkyliftSettings settings = props.settings();
        StageSettings stage = props.stage();

        network = new Network(this, "Network", Network.Props.builder()
                .cidr(settings.network().cidr())
                .natGateways(settings.network().natGateways())
                .logRetention(settings.migrator().logRetention())
                // The workflow's Fargate task pulls its image and writes its logs through endpoints (no NAT).
                .taskEndpoints(stage.workflow().equals(Optional.of(Runner.FARGATE)))
                .build());

        database = new Database(this, "Database", Database.Props.builder()
                .vpc(network.getVpc())
                .subnets(network.getWorkloadSubnets())
                .clusterIdentifier(nameOf(settings, stage))
                .engineVersion(settings.database().engineVersion())
                .databaseName(settings.database().databaseName())
                .masterUsername(settings.database().masterUsername())
                .appUsername(settings.database().appUsername())
                .capacity(stage.minCapacity(), stage.maxCapacity())
                .autoPauseMinutes(settings.database().autoPauseMinutes())
                .backupRetentionDays(settings.database().backupRetentionDays())
                .removalPolicy(stage.removalPolicy())
                .deletionProtection(stage.deletionProtection())
                .logRetention(settings.migrator().logRetention())
                .build());

        alarmTopic = new AlarmTopic(this, "AlarmTopic", alarmTopicName(settings, stage));

        output("DatabaseEndpoint", database.getCluster().getClusterEndpoint().getHostname(),
                "Writer endpoint of the Aurora cluster (reachable inside the VPC only)");
        output("DatabaseSecretArn", database.getMasterSecret().getSecretArn(), "Master user's secret");
        output("AppSecretArn", database.getAppSecret().getSecretArn(),
                "Application user's secret (username, password, host, port, dbname)");
        output(OUTPUT_ALARM_TOPIC_ARN, alarmTopic.getTopic().getTopicArn(),
                "SNS topic of the migrator's alarms: aws sns subscribe --topic-arn <this> --protocol email ...");
    }

    /**
     * Two zones from {@code Fn::GetAZs}, also when the stage names its account and region: the default
     * would look the zones up with AWS credentials, and {@code cdk synth} must work without them.
     */
    @Override
    public List<String> getAvailabilityZones() {
        return List.of(Fn.select(0, Fn.getAzs()), Fn.select(1, Fn.getAzs()));
    }

    /** The network. */
    public Network getNetwork() {
        return network;
    }

    /** The cluster and its secrets. */
    public Database getDatabase() {
        return database;
    }

    /** The topic the migrator's alarms notify. */
    public AlarmTopic getAlarmTopic() {
        return alarmTopic;
    }

    /**
     * The alarm topic's physical name, {@code <namePrefix>-<stage>-alarms}: fixed, so the ARN subscribers use stays.
     * (Not the {@code -migrator-alarms} of the topic that lived in the migrator stack: both exist during the deploy
     * that moves it.)
     */
    public static String alarmTopicName(SkyliftSettings settings, StageSettings stage) {
        return nameOf(settings, stage) + "-alarms";
    }

    /** The stack name, {@code <namePrefix>-<stage>}; also the cluster identifier. */
    public static String nameOf(SkyliftSettings settings, StageSettings stage) {
        Objects.requireNonNull(settings, "settings must not be null");
        Objects.requireNonNull(stage, "stage must not be null");
        return settings.namePrefix() + "-" + stage.name();
    }

    private void output(String id, String value, String description) {
        CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }
}
