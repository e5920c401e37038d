package io.skylift.construct;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.skylift.contract.EnvironmentVariables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.ec2.CfnSecurityGroupIngress;
import software.amazon.awscdk.services.ec2.Connections;
import software.amazon.awscdk.services.ec2.IConnectable;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpoint;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.iam.Grant;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.DockerImageCode;
import software.amazon.awscdk.services.lambda.DockerImageFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.rds.Endpoint;
import software.amazon.awscdk.services.rds.IDatabaseCluster;
import software.amazon.awscdk.services.rds.IDatabaseInstance;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.ISecretAttachmentTarget;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.constructs.Construct;
import software.constructs.IDependable;

/**
 * Skylift's migrator for an existing VPC and database: a Lambda function whose image holds the Flyway migrations of
 * {@code migrationsDirectory} ({@link MigratorImage}), the custom resource that migrates on every deploy or only
 * when the migrations change ({@link SchemaMigration}, {@link MigrationTrigger}), and an alarm on failed migrations
 * and one on errors, with a dashboard when asked for ({@link MigratorMonitoring}; {@code monitoring(false)}: none).
 * Place it in a stack of its own, and order a service after {@link #getMigration()} (docs/adopting.md).
 *
 * <p>It grants what the function needs and nothing more: reading the database secret and each placeholder secret,
 * and an ingress rule on each of the database's security groups admitting the function's. It creates no VPC, subnet,
 * endpoint, database or topic: in isolated subnets the function needs a Secrets Manager and an S3 endpoint, which
 * {@link MigratorEndpoints} adds when asked. The database's endpoint and name reach the function as {@code DB_HOST},
 * {@code DB_PORT} and {@code DB_NAME}, so a secret of {@code username} and {@code password} (RDS-managed) suffices.
 *
 * <p>With {@code planner}, a second function from the same image that only plans, lints and reads
 * ({@value #PLANNER_COMMANDS}), as a database role that cannot write, with the password of a secret of its own (the one
 * secret the construct creates); the migrator keeps that role. {@link #grantInvokePlanner} lets a plan step invoke the
 * planner, {@link #grantInvoke} the migrator.
 *
 * <p>With {@code iamAuthentication} ({@link IamDatabaseAuthentication}), the migrator logs in as a migration role with
 * IAM database authentication, reading the database secret only to create that role.
 */
public class SchemaMigrator extends Construct implements IConnectable {

    /**
     * How long an asynchronous event (CloudFormation's) may wait in Lambda's queue before it is dropped (Lambda's
     * default is six hours). The custom resource waits this long beyond the function's timeout, so any event that
     * starts still has CloudFormation waiting for its answer.
     */
    public static final int MAX_EVENT_AGE_SECONDS = 120;

    /** The environment variable naming the database secret. */
    public static final String DB_SECRET_ARN = EnvironmentVariables.DB_SECRET_ARN;
    /** The AWS SDK's own variable for the Secrets Manager endpoint, set to an interface endpoint's DNS name. */
    public static final String SECRETS_MANAGER_ENDPOINT_URL = "AWS_ENDPOINT_URL_SECRETS_MANAGER";
    /** Prefix of the environment variables mapping a placeholder to a secret ({@code <arn>#<key>}). */
    public static final String PLACEHOLDER_SECRET_PREFIX = EnvironmentVariables.PLACEHOLDER_SECRET_PREFIX;
    /** Prefix of Flyway's own environment variables for plain placeholders. */
    public static final String FLYWAY_PLACEHOLDER_PREFIX = "FLYWAY_PLACEHOLDERS_";
    /** Flyway's environment variable for the schemas it manages. */
    public static final String FLYWAY_SCHEMAS = "FLYWAY_SCHEMAS";
    /** The environment variable fixing the commands a function accepts (the function's {@code SKYLIFT_COMMANDS}). */
    public static final String SKYLIFT_COMMANDS = EnvironmentVariables.SKYLIFT_COMMANDS;
    /** The environment variable holding the custom resource's {@code DeployId} (the function's rollback rule). */
    public static final String SKYLIFT_DEPLOY_ID = EnvironmentVariables.SKYLIFT_DEPLOY_ID;
    /** The migrator's environment variable naming the planner's secret, whose role it keeps. */
    public static final String PLANNER_SECRET_ARN = EnvironmentVariables.PLANNER_SECRET_ARN;
    /** The planner's commands: read, plan, lint and check drift, never migrate, repair or baseline. */
    public static final String PLANNER_COMMANDS = "plan,lint,info,validate,drift";

    private final DockerImageFunction function;
    private final DockerImageFunction planner;
    private final ISecret plannerSecret;
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

        // One value for the custom resource's DeployId and the function's SKYLIFT_DEPLOY_ID: one synthesis.
        String deployId = props.getMigrateOn() != MigrationTrigger.EVERY_DEPLOY ? null
                : props.getDeployId() != null ? props.getDeployId() : SchemaMigrationProps.synthTime();
        DockerImageCode code = MigratorImage.fromMigrations(props.getMigrationsDirectory(), props.getArchitecture(),
                props.getBaseImage());
        plannerSecret = props.isPlanner() ? plannerSecret(props) : null;

        LogGroup logGroup = logGroup("Logs", props.getFunctionName(), props);
        function = function("Function", props.getFunctionName(),
                "Skylift: runs the Flyway migrations baked into its image", code, logGroup, props)
                .environment(withIamAuthentication(migratorEnvironment(props, deployId, plannerSecret), props))
                // CloudFormation invokes asynchronously. The function always answers, so a retry could only repeat a
                // migration after a crash; and an event that waited longer than MAX_EVENT_AGE_SECONDS is dropped
                // rather than run after CloudFormation stopped waiting for it.
                .retryAttempts(0)
                .maxEventAge(Duration.seconds(MAX_EVENT_AGE_SECONDS))
                .build();
        acceptManagedExecutionPolicies(function);

        props.getDatabaseSecret().grantRead(function);
        if (props.getIamAuthentication() != null) {
            props.getIamAuthentication().grantConnect(function);
        }
        grantSecretKey(props, function, Stack.of(this));
        props.getPlaceholderSecrets().values().forEach(secret -> secret.getSecret().grantRead(function));
        if (plannerSecret != null) {
            // The migrator keeps the planner's role: it reads the planner's username and password, and sets them.
            plannerSecret.grantRead(function);
            planner = function("Planner", props.getPlannerFunctionName(), "Skylift planner: plans, lints, reads the"
                            + " schema history; its commands and its database role cannot change the database", code,
                    logGroup("PlannerLogs", props.getPlannerFunctionName(), props), props)
                    .environment(plannerEnvironment(props, plannerSecret))
                    // Invoked synchronously by the plan step or an operator, who see its errors: no retry.
                    .retryAttempts(0)
                    .build();
            acceptManagedExecutionPolicies(planner);
            // Its own secret and nothing else: neither the database secret nor a placeholder secret.
            plannerSecret.grantRead(planner);
        } else {
            planner = null;
        }
        allowTo("DatabaseIngress", props.getDatabase(), Port.tcp(props.getDatabasePort()),
                "PostgreSQL from the migrator");
        if (props.getSecretsManagerEndpoint() != null) {
            allowTo("SecretsManagerIngress", props.getSecretsManagerEndpoint(), Port.tcp(443),
                    "Secrets Manager (HTTPS) from the migrator");
        }

        monitoring = !props.isMonitoring() ? null : new MigratorMonitoring(this, "Monitoring",
                MigratorMonitoringProps.builder()
                        .function(function)
                        .dashboard(props.isDashboard())
                        .dashboardName(props.getDashboardName())
                        .alarmTopic(props.getAlarmTopic())
                        .build());

        if (props.getMigrateOn() == MigrationTrigger.NEVER) {
            // No custom resource: the pipeline's step or an operator migrates (for example through a workflow).
            migration = null;
        } else {
            List<IDependable> dependsOn = new ArrayList<>(props.getDependsOn());
            if (props.getSecretsManagerEndpoint() != null) {
                dependsOn.add(props.getSecretsManagerEndpoint());
            }
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
            if (deployId != null) {
                migrationProps.deployId(deployId);
            }
            // MIGRATIONS_CHANGE: the digest of the migrations and of the target (its endpoint, secret, database and
            // every other variable the function migrates by) in the id makes a change of either a replacement, never
            // an Update: a migrator pointed at another cluster migrates it at once.
            String migrationId = props.getMigrateOn() == MigrationTrigger.MIGRATIONS_CHANGE
                    ? "SchemaMigration" + MigrationsDigest.of(props.getMigrationsDirectory(), target(props))
                    : "SchemaMigration";
            migration = new SchemaMigration(this, migrationId, migrationProps.build());
            ingressRules.forEach(migration.getResource().getNode()::addDependency);
        }
    }

    /**
     * What the function migrates, as the template will say it: each environment variable (but the deploy id, which
     * MIGRATIONS_CHANGE does not set) resolved to its value or to the CloudFormation expression that names it (a
     * {@code Ref} or a cross-stack output of the cluster and secret), and the port the database is reached on.
     */
    private Map<String, String> target(SchemaMigratorProps props) {
        Map<String, String> target = new LinkedHashMap<>();
        Stack stack = Stack.of(this);
        migratorEnvironment(props, null, plannerSecret).forEach((name, value) ->
                target.put(name, String.valueOf(stack.resolve(value))));
        target.put("databasePort", Integer.toString(props.getDatabasePort()));
        return target;
    }

    /**
     * kms:Decrypt on the key an imported database secret is encrypted with, only through Secrets Manager of the
     * grantee's region. In the grantee's own policy: an imported key's policy cannot be changed from here.
     */
    static void grantSecretKey(SchemaMigratorProps props, IGrantable grantee, Stack stack) {
        if (props.getDatabaseSecretKey() != null) {
            grantee.getGrantPrincipal().addToPrincipalPolicy(PolicyStatement.Builder.create()
                    .actions(List.of("kms:Decrypt"))
                    .resources(List.of(props.getDatabaseSecretKey().getKeyArn()))
                    .conditions(Map.of("StringEquals", Map.of("kms:ViaService",
                            "secretsmanager." + stack.getRegion() + ".amazonaws.com")))
                    .build());
        }
    }

    private LogGroup logGroup(String id, String functionName, SchemaMigratorProps props) {
        LogGroup.Builder logs = LogGroup.Builder.create(this, id)
                .retention(props.getLogRetention())
                // DESTROY by default: a retained group of a fixed name would block the redeploy of a failed first
                // deploy.
                .removalPolicy(props.getLogRemovalPolicy());
        if (functionName != null) {
            logs.logGroupName("/aws/lambda/" + functionName);
        }
        return logs.build();
    }

    /** The migrator and the planner alike: the same image, network, size and timeout. */
    private DockerImageFunction.Builder function(String id, String functionName, String description,
            DockerImageCode code, LogGroup logGroup, SchemaMigratorProps props) {
        return DockerImageFunction.Builder.create(this, id)
                .functionName(functionName)
                .description(description)
                .code(code)
                .architecture(props.getArchitecture())
                .memorySize(props.getMemorySize())
                .timeout(props.getTimeout())
                .vpc(props.getVpc())
                .vpcSubnets(props.getVpcSubnets())
                .securityGroups(securityGroups)
                .logGroup(logGroup);
    }

    private static void acceptManagedExecutionPolicies(DockerImageFunction function) {
        NagSuppressions.addResourceSuppressions(function, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM4")
                .reason("The AWS-managed Lambda execution policies grant only writing the function's logs and managing"
                        + " its network interfaces in the VPC; data access is granted separately, secret by secret.")
                .appliesTo(List.of(
                        "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                        "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"))
                .build()), true);
    }

    /**
     * The planner's secret: its role's name, the database's name and a generated password, attached to the cluster
     * so that it also carries the host and port (RDS JSON, all the planner needs to connect).
     */
    private ISecret plannerSecret(SchemaMigratorProps props) {
        Secret generated = Secret.Builder.create(this, "PlannerSecret")
                .description("Skylift: the planner's read-only database role " + props.getPlannerUsername()
                        + " (created and kept by the migrator)")
                .generateSecretString(SecretStringGenerator.builder()
                        .secretStringTemplate("{\"username\":" + jsonString(props.getPlannerUsername())
                                + ",\"dbname\":" + jsonString(props.getDatabaseName()) + "}")
                        .generateStringKey("password")
                        // Letters and digits only: safe in any client's connection string.
                        .excludePunctuation(true)
                        .passwordLength(40)
                        .build())
                .build();
        NagSuppressions.addResourceSuppressions(generated, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-SMG4")
                .reason("No rotation is configured: a rotation function would need its own path to the database and to"
                        + " the Secrets Manager endpoint. The migrator sets the planner role's password from this secret"
                        + " at every migrate, so a value put by an operator takes effect at the next deploy.")
                .build()));
        return generated.attach((ISecretAttachmentTarget) props.getDatabase());
    }

    private static String jsonString(String value) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }

    /** What this migrator was built from: a {@link MigrationWorkflow} runs the same image with the same settings. */
    SchemaMigratorProps props() {
        return props;
    }

    /**
     * This migrator's environment for a {@link MigrationWorkflow}'s task, set per target as container overrides: all
     * the function's but SKYLIFT_DEPLOY_ID (it only tells a CloudFormation rollback, and the task answers no custom
     * resource). PLANNER_SECRET_ARN stays: a migrate by the task keeps the planner's role as the function's does.
     */
    Map<String, String> taskEnvironment() {
        return migratorEnvironment(props, null, plannerSecret);
    }

    private static Map<String, String> migratorEnvironment(SchemaMigratorProps props, String deployId,
            ISecret plannerSecret) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put(DB_SECRET_ARN, props.getDatabaseSecret().getSecretArn());
        databaseEndpoint(props.getDatabase()).ifPresent(endpoint -> {
            environment.put(EnvironmentVariables.DB_HOST, endpoint.getHostname());
            Number port = endpoint.getPort();
            environment.put(EnvironmentVariables.DB_PORT, Token.isUnresolved(port) ? Token.asString(port)
                    : Integer.toString(port.intValue()));
        });
        if (props.getDatabaseName() != null) {
            environment.put(EnvironmentVariables.DB_NAME, props.getDatabaseName());
        }
        secretsManagerEndpoint(props, environment);
        plainPlaceholders(props, environment);
        schemas(props, environment);
        props.getPlaceholderSecrets().forEach((name, secret) ->
                environment.put(PLACEHOLDER_SECRET_PREFIX + name.toUpperCase(Locale.ROOT), secret.environmentValue()));
        if (deployId != null) {
            environment.put(SKYLIFT_DEPLOY_ID, deployId);
        }
        if (plannerSecret != null) {
            environment.put(PLANNER_SECRET_ARN, plannerSecret.getSecretArn());
        }
        return environment;
    }

    /**
     * The function's variables for IAM database authentication, when asked: only the function's, not a
     * {@link MigrationWorkflow} task's, which serves several databases and logs in with each one's secret.
     */
    private static Map<String, String> withIamAuthentication(Map<String, String> environment,
            SchemaMigratorProps props) {
        if (props.getIamAuthentication() != null) {
            environment.putAll(props.getIamAuthentication().environment(props.getDatabasePort(),
                    props.getDatabaseName()));
        }
        return environment;
    }

    /** No placeholder secret, no master secret: its own secret, its commands and the plain placeholders. */
    private static Map<String, String> plannerEnvironment(SchemaMigratorProps props, ISecret plannerSecret) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put(DB_SECRET_ARN, plannerSecret.getSecretArn());
        environment.put(SKYLIFT_COMMANDS, PLANNER_COMMANDS);
        secretsManagerEndpoint(props, environment);
        plainPlaceholders(props, environment);
        schemas(props, environment);
        return environment;
    }

    private static void schemas(SchemaMigratorProps props, Map<String, String> environment) {
        if (!props.getSchemas().isEmpty()) {
            environment.put(FLYWAY_SCHEMAS, String.join(",", props.getSchemas()));
        }
    }

    /**
     * The writer endpoint of a cluster or an instance; empty for anything else, and for a cluster imported without its
     * endpoint address (which CDK refuses to give): the secret must then hold {@code host} and {@code port}.
     */
    private static Optional<Endpoint> databaseEndpoint(IConnectable database) {
        try {
            if (database instanceof IDatabaseCluster cluster) {
                return Optional.of(cluster.getClusterEndpoint());
            }
            if (database instanceof IDatabaseInstance instance) {
                return Optional.of(instance.getInstanceEndpoint());
            }
        } catch (RuntimeException importedWithoutEndpoint) {
            // jsii passes CDK's "Cannot access `clusterEndpoint` of an imported cluster without an endpoint address"
            // as a plain RuntimeException; the getter does nothing else that could fail.
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * The endpoint's own regional DNS name, the first of its DNS entries ({@code <hosted zone>:<name>}): the SDK then
     * reaches Secrets Manager through it without private DNS, which would change every workload's path in the VPC.
     */
    private static void secretsManagerEndpoint(SchemaMigratorProps props, Map<String, String> environment) {
        InterfaceVpcEndpoint endpoint = props.getSecretsManagerEndpoint();
        if (endpoint != null) {
            environment.put(SECRETS_MANAGER_ENDPOINT_URL, "https://" + Fn.select(1,
                    Fn.split(":", Fn.select(0, endpoint.getVpcEndpointDnsEntries()))));
        }
    }

    private static void plainPlaceholders(SchemaMigratorProps props, Map<String, String> environment) {
        props.getPlaceholders().forEach((name, value) ->
                environment.put(FLYWAY_PLACEHOLDER_PREFIX + name.toUpperCase(Locale.ROOT), value));
    }

    /**
     * Lets the function reach {@code target} on TCP {@code port}: an ingress rule on each of the target's security
     * groups admitting each of the function's. The rules are created here, under this construct, not with the target:
     * when the target is in another stack, that stack then never refers to this one (no dependency cycle), and the
     * custom resource waits for the rules before it migrates.
     *
     * @param id          construct id of the rule(s), unique within this construct
     * @param port        the port, for example {@code Port.tcp(5432)}; one port or a range, of one protocol
     * @param description the rules' description
     */
    public void allowTo(String id, IConnectable target, Port port, String description) {
        Objects.requireNonNull(id, "id must not be null");
        Objects.requireNonNull(target, "target must not be null");
        Objects.requireNonNull(port, "port must not be null");
        List<ISecurityGroup> targets = target.getConnections().getSecurityGroups();
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("allowTo " + id + ": the target has no security group to admit the"
                    + " migrator into");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> rule = (Map<String, Object>) port.toRuleJson();
        int count = targets.size() * securityGroups.size();
        int n = 0;
        for (ISecurityGroup to : targets) {
            for (ISecurityGroup from : securityGroups) {
                n++;
                CfnSecurityGroupIngress ingress = CfnSecurityGroupIngress.Builder.create(this,
                                count == 1 ? id : id + n)
                        .groupId(to.getSecurityGroupId())
                        .sourceSecurityGroupId(from.getSecurityGroupId())
                        .ipProtocol((String) rule.get("ipProtocol"))
                        .fromPort((Number) rule.get("fromPort"))
                        .toPort((Number) rule.get("toPort"))
                        .description(description)
                        .build();
                ingressRules.add(ingress);
                if (migration != null) {
                    migration.getResource().getNode().addDependency(ingress);
                }
            }
        }
    }

    /** Lets {@code grantee} invoke the migrator (for example the post-deploy step); it can run every command. */
    public Grant grantInvoke(IGrantable grantee) {
        return function.grantInvoke(grantee);
    }

    /**
     * Lets {@code grantee} invoke the planner (for example the plan step before an approval), which can only plan,
     * lint and read.
     *
     * @throws IllegalStateException when the construct has no planner ({@code planner} unset)
     */
    public Grant grantInvokePlanner(IGrantable grantee) {
        return requirePlanner().grantInvoke(grantee);
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

    /** The planner, or null when the props did not ask for one. */
    public DockerImageFunction getPlanner() {
        return planner;
    }

    /** The planner's secret (attached to the cluster), or null without a planner. */
    public ISecret getPlannerSecret() {
        return plannerSecret;
    }

    private DockerImageFunction requirePlanner() {
        if (planner == null) {
            throw new IllegalStateException("This SchemaMigrator has no planner: set planner(true) in its props");
        }
        return planner;
    }

    /**
     * The custom resource, or null with {@code migrateOn} {@link MigrationTrigger#NEVER}. A service that needs the
     * schema of this deploy waits for it: in the same stack,
     * {@code service.getNode().addDependency(migrator.getMigration())}; in another stack, make that stack depend on
     * this one ({@code addDependency}), or read {@link #getSchemaVersion()} there (a reference orders the stacks).
     */
    public SchemaMigration getMigration() {
        return migration;
    }

    /** The alarms and, when asked for, the dashboard; null with {@code monitoring(false)}. */
    public MigratorMonitoring getMonitoring() {
        return monitoring;
    }

    /**
     * The function's own {@code MigrationFailed} metric (namespace {@value MigratorMonitoring#NAMESPACE}): 1 for each
     * failed invocation, whoever invoked it; sum over five minutes. The one signal of a failed deploy: on the
     * custom-resource path the function answers FAILED and returns normally, so Lambda counts no error.
     */
    public Metric metricMigrationFailed() {
        return metricMigrationFailed(null);
    }

    /** {@link #metricMigrationFailed()} with other options (period, statistic, label). */
    public Metric metricMigrationFailed(MetricOptions options) {
        return MigratorMonitoring.metric(function, MigratorMonitoring.MIGRATION_FAILED, "Sum", options);
    }

    /**
     * The function's own {@code MigrationDuration} metric, in milliseconds: how long each command took from the
     * handler's start to its answer (not Lambda's billed duration); maximum over five minutes.
     */
    public Metric metricDuration() {
        return metricDuration(null);
    }

    /** {@link #metricDuration()} with other options (period, statistic, label). */
    public Metric metricDuration(MetricOptions options) {
        return MigratorMonitoring.metric(function, MigratorMonitoring.MIGRATION_DURATION, "Maximum", options);
    }

    /**
     * The schema version after the deploy's migration (a token: {@code Fn::GetAtt SchemaVersion}).
     *
     * @throws IllegalStateException with {@code migrateOn} {@link MigrationTrigger#NEVER}: no deploy migrates
     */
    public String getSchemaVersion() {
        return requireMigration().getSchemaVersion();
    }

    /**
     * How many migrations the deploy applied (a token: {@code Fn::GetAtt MigrationsApplied}).
     *
     * @throws IllegalStateException with {@code migrateOn} {@link MigrationTrigger#NEVER}: no deploy migrates
     */
    public String getMigrationsApplied() {
        return requireMigration().getMigrationsApplied();
    }

    private SchemaMigration requireMigration() {
        if (migration == null) {
            throw new IllegalStateException("This SchemaMigrator has migrateOn NEVER: no custom resource migrates during"
                    + " a deploy, so there is no schema version or migrations applied to read from the stack");
        }
        return migration;
    }
}
