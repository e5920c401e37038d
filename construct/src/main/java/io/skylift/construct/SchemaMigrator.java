package io.skylift.construct;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ec2.CfnSecurityGroupIngress;
import software.amazon.awscdk.services.ec2.Connections;
import software.amazon.awscdk.services.ec2.IConnectable;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.iam.Grant;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.lambda.DockerImageFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;
import software.constructs.IDependable;

/**
 * Skylift's migrator for an existing VPC and database: a Lambda function whose image holds the Flyway migrations of
 * {@code migrationsDirectory} ({@link MigratorImage}), the custom resource that migrates on every deploy or only
 * when the migrations change ({@link SchemaMigration}, {@link MigrationTrigger}), and an alarm on failed migrations
 * and one on errors with a dashboard ({@link MigratorMonitoring}).
 *
 * <p>It grants what the function needs and nothing more: reading the database secret and each placeholder secret,
 * and an ingress rule on each of the database's security groups admitting the function's. It creates no VPC, subnet,
 * endpoint, database or topic: in isolated subnets the function needs a Secrets Manager and an S3 endpoint, which
 * {@link MigratorEndpoints} adds when asked.
 */
public class SchemaMigrator extends Construct implements IConnectable {

    /**
     * How long an asynchronous event (CloudFormation's) may wait in Lambda's queue before it is dropped (Lambda's
     * default is six hours). The custom resource waits this long beyond the function's timeout, so any event that
     * starts still has CloudFormation waiting for its answer.
     */
    public static final int MAX_EVENT_AGE_SECONDS = 120;

    /** The environment variable naming the database secret. */
    public static final String DB_SECRET_ARN = "DB_SECRET_ARN";
    /** Prefix of the environment variables mapping a placeholder to a secret ({@code <arn>#<key>}). */
    public static final String PLACEHOLDER_SECRET_PREFIX = "PLACEHOLDER_SECRET_";
    /** Prefix of Flyway's own environment variables for plain placeholders. */
    public static final String FLYWAY_PLACEHOLDER_PREFIX = "FLYWAY_PLACEHOLDERS_";

    private final DockerImageFunction function;
    private final List<ISecurityGroup> securityGroups;
    private final List<CfnSecurityGroupIngress> ingressRules = new ArrayList<>();
    private final SchemaMigration migration;
    private final MigratorMonitoring monitoring;
    private final SchemaMigratorProps props;

    public SchemaMigrator(Construct scope, String id, SchemaMigratorProps props) {
        super(scope, id);
        this.props = Objects.requireNonNull(props, "props must not be null");

        securityGroups = props.getSecurityGroups() != null ? props.getSecurityGroups()
                : List.of(SecurityGroup.Builder.create(this, "SecurityGroup")
                        .vpc(props.getVpc())
                        .description("Skylift migrator " + (props.getFunctionName() != null ? props.getFunctionName()
                                : getNode().getPath()))
                        // Egress stays open: in private subnets it reaches only the VPC (database, endpoints), and the
                        // S3 gateway endpoint's prefix list cannot be named without a lookup.
                        .allowAllOutbound(true)
                        .build());

        LogGroup.Builder logs = LogGroup.Builder.create(this, "Logs")
                .retention(props.getLogRetention())
                .removalPolicy(RemovalPolicy.DESTROY);
        if (props.getFunctionName() != null) {
            logs.logGroupName("/aws/lambda/" + props.getFunctionName());
        }
        LogGroup logGroup = logs.build();

        function = DockerImageFunction.Builder.create(this, "Function")
                .functionName(props.getFunctionName())
                .description("Skylift: runs the Flyway migrations baked into its image")
                .code(MigratorImage.fromMigrations(props.getMigrationsDirectory(), props.getArchitecture()))
                .architecture(props.getArchitecture())
                .memorySize(props.getMemorySize())
                .timeout(props.getTimeout())
                .vpc(props.getVpc())
                .vpcSubnets(props.getVpcSubnets())
                .securityGroups(securityGroups)
                .environment(environment(props))
                .logGroup(logGroup)
                // CloudFormation invokes asynchronously. The function always answers, so a retry could only repeat a
                // migration after a crash; and an event that waited longer than MAX_EVENT_AGE_SECONDS is dropped
                // rather than run after CloudFormation stopped waiting for it.
                .retryAttempts(0)
                .maxEventAge(Duration.seconds(MAX_EVENT_AGE_SECONDS))
                .build();
        NagSuppressions.addResourceSuppressions(function, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM4")
                .reason("The AWS-managed Lambda execution policies grant only writing the function's logs and managing"
                        + " its network interfaces in the VPC; data access is granted separately, secret by secret.")
                .appliesTo(List.of(
                        "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                        "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"))
                .build()), true);

        props.getDatabaseSecret().grantRead(function);
        props.getPlaceholderSecrets().values().forEach(secret -> secret.getSecret().grantRead(function));
        allowTo("DatabaseIngress", props.getDatabase(), props.getDatabasePort(), "PostgreSQL from the migrator");

        monitoring = new MigratorMonitoring(this, "Monitoring", MigratorMonitoringProps.builder()
                .function(function)
                .dashboardName(props.getDashboardName())
                .alarmTopic(props.getAlarmTopic())
                .build());

        List<IDependable> dependsOn = new ArrayList<>(props.getDependsOn());
        // The function with its role, policy, invoke configuration and log group, its security group(s), and every
        // ingress rule allowTo made (also later ones: allowTo adds them as it goes).
        dependsOn.add(function);
        dependsOn.add(logGroup);
        securityGroups.forEach(dependsOn::add);
        SchemaMigrationProps.Builder migrationProps = SchemaMigrationProps.builder()
                .function(function)
                .functionTimeout(props.getTimeout())
                .dependsOn(dependsOn)
                .migrateOn(props.getMigrateOn());
        if (props.getDeployId() != null) {
            migrationProps.deployId(props.getDeployId());
        }
        // MIGRATIONS_CHANGE: the migrations' digest in the id makes a change a replacement, never an Update.
        String migrationId = props.getMigrateOn() == MigrationTrigger.MIGRATIONS_CHANGE
                ? "SchemaMigration" + MigrationsDigest.of(props.getMigrationsDirectory())
                : "SchemaMigration";
        migration = new SchemaMigration(this, migrationId, migrationProps.build());
        ingressRules.forEach(migration.getResource().getNode()::addDependency);
    }

    /** What this migrator was built from: a {@link MigrationWorkflow} runs the same image with the same settings. */
    SchemaMigratorProps props() {
        return props;
    }

    static Map<String, String> environment(SchemaMigratorProps props) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put(DB_SECRET_ARN, props.getDatabaseSecret().getSecretArn());
        props.getPlaceholders().forEach((name, value) ->
                environment.put(FLYWAY_PLACEHOLDER_PREFIX + name.toUpperCase(Locale.ROOT), value));
        props.getPlaceholderSecrets().forEach((name, secret) ->
                environment.put(PLACEHOLDER_SECRET_PREFIX + name.toUpperCase(Locale.ROOT), secret.environmentValue()));
        return environment;
    }

    /**
     * Lets the function reach {@code target} on TCP {@code port}: an ingress rule on each of the target's security
     * groups admitting each of the function's. The rules are created here, under this construct, not with the target:
     * when the target is in another stack, that stack then never refers to this one (no dependency cycle), and the
     * custom resource waits for the rules before it migrates.
     *
     * @param id          construct id of the rule(s), unique within this construct
     * @param description the rules' description
     */
    public void allowTo(String id, IConnectable target, Number port, String description) {
        Objects.requireNonNull(id, "id must not be null");
        Objects.requireNonNull(target, "target must not be null");
        Objects.requireNonNull(port, "port must not be null");
        List<ISecurityGroup> targets = target.getConnections().getSecurityGroups();
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("allowTo " + id + ": the target has no security group to admit the"
                    + " migrator into");
        }
        int count = targets.size() * securityGroups.size();
        int n = 0;
        for (ISecurityGroup to : targets) {
            for (ISecurityGroup from : securityGroups) {
                n++;
                CfnSecurityGroupIngress rule = CfnSecurityGroupIngress.Builder.create(this, count == 1 ? id : id + n)
                        .groupId(to.getSecurityGroupId())
                        .sourceSecurityGroupId(from.getSecurityGroupId())
                        .ipProtocol("tcp")
                        .fromPort(port)
                        .toPort(port)
                        .description(description)
                        .build();
                ingressRules.add(rule);
                if (migration != null) {
                    migration.getResource().getNode().addDependency(rule);
                }
            }
        }
    }

    /** Lets {@code grantee} invoke the function (for example a pipeline step). */
    public Grant grantInvoke(IGrantable grantee) {
        return function.grantInvoke(grantee);
    }

    /** The function's security groups, as connections. */
    @Override
    public Connections getConnections() {
        return function.getConnections();
    }

    /** The function. */
    public DockerImageFunction getFunction() {
        return function;
    }

    /** The custom resource. */
    public SchemaMigration getMigration() {
        return migration;
    }

    /** The alarms and the dashboard. */
    public MigratorMonitoring getMonitoring() {
        return monitoring;
    }

    /** The schema version after the deploy's migration (a token: {@code Fn::GetAtt SchemaVersion}). */
    public String getSchemaVersion() {
        return migration.getSchemaVersion();
    }

    /** How many migrations the deploy applied (a token: {@code Fn::GetAtt MigrationsApplied}). */
    public String getMigrationsApplied() {
        return migration.getMigrationsApplied();
    }
}
