package io.skylift.construct;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ec2.IConnectable;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpoint;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.ISecretAttachmentTarget;
import software.amazon.awscdk.services.sns.ITopic;
import software.constructs.IDependable;

/**
 * Properties of {@link SchemaMigrator}. Required: {@code vpc}, {@code database}, {@code databaseSecret},
 * {@code migrationsDirectory}; every other property has the default its builder method documents. Checked when built:
 * a message names the property, the value and what is expected.
 */
public final class SchemaMigratorProps {

    /** Default Lambda timeout in minutes. */
    public static final int DEFAULT_TIMEOUT_MINUTES = 10;
    /** Default Lambda memory in MB. */
    public static final int DEFAULT_MEMORY_MB = 1024;
    /** Default database port: PostgreSQL's. */
    public static final int DEFAULT_DATABASE_PORT = 5432;

    /** Default name of the planner's database role. */
    public static final String DEFAULT_PLANNER_USERNAME = "skylift_planner";

    private static final Pattern PLACEHOLDER_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    /** A PostgreSQL name that needs no quoting (the secret's username is the role's name). */
    private static final Pattern ROLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final IVpc vpc;
    private final SubnetSelection vpcSubnets;
    private final List<ISecurityGroup> securityGroups;
    private final IConnectable database;
    private final int databasePort;
    private final ISecret databaseSecret;
    private final String migrationsDirectory;
    private final Map<String, String> placeholders;
    private final Map<String, PlaceholderSecret> placeholderSecrets;
    private final List<String> schemas;
    private final String functionName;
    private final Duration timeout;
    private final int memorySize;
    private final Architecture architecture;
    private final String baseImage;
    private final RetentionDays logRetention;
    private final ITopic alarmTopic;
    private final String dashboardName;
    private final MigrationTrigger migrateOn;
    private final String deployId;
    private final List<IDependable> dependsOn;
    private final boolean planner;
    private final String databaseName;
    private final String plannerUsername;
    private final String plannerFunctionName;
    private final IamDatabaseAuthentication iamAuthentication;
    // Adoption (issue 19): an RDS-managed secret, a customer managed key, an endpoint without private DNS, monitoring
    // and log group as choices.
    private final IKey databaseSecretKey;
    private final InterfaceVpcEndpoint secretsManagerEndpoint;
    private final boolean monitoring;
    private final boolean dashboard;
    private final RemovalPolicy logRemovalPolicy;

    private SchemaMigratorProps(Builder b) {
        vpc = required(b.vpc, "vpc");
        vpcSubnets = b.vpcSubnets;
        securityGroups = b.securityGroups == null ? null : List.copyOf(b.securityGroups);
        if (securityGroups != null && securityGroups.isEmpty()) {
            throw new IllegalArgumentException("securityGroups must name at least one security group, or be left unset"
                    + " (the migrator then gets its own)");
        }
        database = required(b.database, "database");
        databasePort = b.databasePort == null ? DEFAULT_DATABASE_PORT : b.databasePort.intValue();
        if (databasePort < 1 || databasePort > 65535) {
            throw new IllegalArgumentException("databasePort must be from 1 to 65535, was " + databasePort);
        }
        databaseSecret = required(b.databaseSecret, "databaseSecret");
        migrationsDirectory = required(b.migrationsDirectory, "migrationsDirectory");
        placeholders = Map.copyOf(checkedNames(b.placeholders, "placeholders"));
        placeholderSecrets = Map.copyOf(checkedNames(b.placeholderSecrets, "placeholderSecrets"));
        schemas = b.schemas == null ? List.of() : List.copyOf(b.schemas);
        for (String schema : schemas) {
            if (schema == null || schema.isBlank() || schema.contains(",")) {
                throw new IllegalArgumentException("schemas: each must be a schema name, non-blank and without a comma"
                        + " (they are joined into FLYWAY_SCHEMAS), got " + schemas);
            }
        }
        functionName = b.functionName;
        timeout = SchemaMigration.checkedTimeout(
                b.timeout == null ? Duration.minutes(DEFAULT_TIMEOUT_MINUTES) : b.timeout, "timeout");
        memorySize = b.memorySize == null ? DEFAULT_MEMORY_MB : b.memorySize.intValue();
        if (memorySize < 512 || memorySize > 10240) {
            throw new IllegalArgumentException("memorySize must be from 512 to 10240 MB (Flyway and the JVM need at"
                    + " least 512), was " + memorySize);
        }
        architecture = b.architecture == null ? Architecture.ARM_64 : b.architecture;
        baseImage = MigratorImage.checkedBaseImage(b.baseImage);
        logRetention = b.logRetention == null ? RetentionDays.ONE_MONTH : b.logRetention;
        alarmTopic = b.alarmTopic;
        dashboardName = b.dashboardName;
        if (alarmTopic != null && Boolean.FALSE.equals(b.monitoring)) {
            throw new IllegalArgumentException("alarmTopic needs monitoring: the topic is for the alarms that"
                    + " monitoring(false) leaves out");
        }
        migrateOn = b.migrateOn == null ? MigrationTrigger.EVERY_DEPLOY : b.migrateOn;
        deployId = SchemaMigration.checkedDeployId(b.deployId, migrateOn);
        dependsOn = List.copyOf(b.dependsOn);
        planner = Boolean.TRUE.equals(b.planner);
        databaseName = b.databaseName;
        plannerUsername = b.plannerUsername == null ? DEFAULT_PLANNER_USERNAME : b.plannerUsername;
        plannerFunctionName = b.plannerFunctionName;
        iamAuthentication = b.iamAuthentication;
        if (iamAuthentication != null && (databaseName == null || databaseName.isBlank())) {
            throw new IllegalArgumentException("iamAuthentication needs databaseName, the database the migrations run"
                    + " in (the authentication token is signed for it)");
        }
        if (iamAuthentication != null && planner) {
            throw new IllegalArgumentException("iamAuthentication and planner cannot be combined: the migration role"
                    + " may not create roles, so it cannot keep the planner's; leave one of them unset");
        }
        databaseSecretKey = b.databaseSecretKey;
        secretsManagerEndpoint = b.secretsManagerEndpoint;
        monitoring = b.monitoring == null || b.monitoring;
        dashboard = b.dashboard == null ? dashboardName != null : b.dashboard;
        if (dashboard && !monitoring) {
            throw new IllegalArgumentException("dashboard needs monitoring: leave monitoring unset (true) or set"
                    + " dashboard(false)");
        }
        if (!dashboard && dashboardName != null) {
            throw new IllegalArgumentException("dashboardName '" + dashboardName + "' is set but dashboard is false:"
                    + " drop one of them");
        }
        logRemovalPolicy = b.logRemovalPolicy == null ? RemovalPolicy.DESTROY : b.logRemovalPolicy;
        if (databaseName != null && databaseName.isBlank()) {
            throw new IllegalArgumentException("databaseName must not be blank: name the database the migrations run"
                    + " in, or leave it unset (the secret's dbname is used)");
        }
        if (planner) {
            if (!(database instanceof ISecretAttachmentTarget)) {
                throw new IllegalArgumentException("planner needs database to be a cluster (an ISecretAttachmentTarget,"
                        + " such as DatabaseCluster or DatabaseCluster.fromDatabaseClusterAttributes): the planner's"
                        + " secret is attached to it to carry its host and port; or leave planner unset");
            }
            if (databaseName == null || databaseName.isBlank()) {
                throw new IllegalArgumentException("planner needs databaseName, the database the migrations run in"
                        + " (the planner's secret carries it as dbname)");
            }
            if (!ROLE_NAME.matcher(plannerUsername).matches()) {
                throw new IllegalArgumentException("plannerUsername must be a lower-case PostgreSQL name (letters,"
                        + " digits, _; at most 63), was '" + plannerUsername + "'");
            }
        }
    }

    private static <T> T required(T value, String name) {
        return Objects.requireNonNull(value, name + " is required");
    }

    private static <V> Map<String, V> checkedNames(Map<String, V> map, String property) {
        for (Map.Entry<String, V> entry : map.entrySet()) {
            if (!PLACEHOLDER_NAME.matcher(entry.getKey()).matches()) {
                throw new IllegalArgumentException(property + ": placeholder name '" + entry.getKey()
                        + "' must start with a letter and hold only letters, digits and _ (it becomes an environment"
                        + " variable name)");
            }
            Objects.requireNonNull(entry.getValue(), property + ": the value of '" + entry.getKey() + "' is null");
        }
        return map;
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    public IVpc getVpc() {
        return vpc;
    }

    /** Null = CDK's default selection for a function (the VPC's private subnets). */
    public SubnetSelection getVpcSubnets() {
        return vpcSubnets;
    }

    /** Null = the migrator creates its own security group. */
    public List<ISecurityGroup> getSecurityGroups() {
        return securityGroups;
    }

    public IConnectable getDatabase() {
        return database;
    }

    public int getDatabasePort() {
        return databasePort;
    }

    public ISecret getDatabaseSecret() {
        return databaseSecret;
    }

    public String getMigrationsDirectory() {
        return migrationsDirectory;
    }

    public Map<String, String> getPlaceholders() {
        return placeholders;
    }

    public Map<String, PlaceholderSecret> getPlaceholderSecrets() {
        return placeholderSecrets;
    }

    /** The schemas Flyway manages ({@code FLYWAY_SCHEMAS}); empty (the default) = Flyway's default. */
    public List<String> getSchemas() {
        return schemas;
    }

    /** Null = generated by CloudFormation. */
    public String getFunctionName() {
        return functionName;
    }

    public Duration getTimeout() {
        return timeout;
    }

    public int getMemorySize() {
        return memorySize;
    }

    public Architecture getArchitecture() {
        return architecture;
    }

    /** The published base image the image is built on, by digest; {@code null}: built from this artifact. */
    public String getBaseImage() {
        return baseImage;
    }

    public RetentionDays getLogRetention() {
        return logRetention;
    }

    /** Null = alarms without actions. */
    public ITopic getAlarmTopic() {
        return alarmTopic;
    }

    /** Null = generated by CloudFormation. */
    public String getDashboardName() {
        return dashboardName;
    }

    /** When to migrate; default {@link MigrationTrigger#EVERY_DEPLOY}. */
    public MigrationTrigger getMigrateOn() {
        return migrateOn;
    }

    /** Null = the synth time (EVERY_DEPLOY) or none (MIGRATIONS_CHANGE). */
    public String getDeployId() {
        return deployId;
    }

    public List<IDependable> getDependsOn() {
        return dependsOn;
    }

    /** Whether the construct adds the planner; default false. */
    public boolean isPlanner() {
        return planner;
    }

    /** Null = the secret's {@code dbname} (the function's {@code DB_NAME} is then unset); required with the planner. */
    public String getDatabaseName() {
        return databaseName;
    }

    /** Null = none beyond the secret's own {@code getEncryptionKey()}, which is granted whenever the secret names it. */
    public IKey getDatabaseSecretKey() {
        return databaseSecretKey;
    }

    /** Null = the function reaches Secrets Manager by the SDK's default name (NAT, or an endpoint with private DNS). */
    public InterfaceVpcEndpoint getSecretsManagerEndpoint() {
        return secretsManagerEndpoint;
    }

    /** Whether the construct adds its alarms ({@link MigratorMonitoring}); default true. */
    public boolean isMonitoring() {
        return monitoring;
    }

    /** Whether the monitoring has a dashboard; default false, true when {@code dashboardName} is given. */
    public boolean isDashboard() {
        return dashboard;
    }

    /** What happens to the log groups when they leave the stack; default {@link RemovalPolicy#DESTROY}. */
    public RemovalPolicy getLogRemovalPolicy() {
        return logRemovalPolicy;
    }

    /** The planner's role; default {@value #DEFAULT_PLANNER_USERNAME}. */
    public String getPlannerUsername() {
        return plannerUsername;
    }

    /** Null = generated by CloudFormation. */
    public String getPlannerFunctionName() {
        return plannerFunctionName;
    }

    /** Null (the default) = the migrator logs in with the database secret's password. */
    public IamDatabaseAuthentication getIamAuthentication() {
        return iamAuthentication;
    }

    /** Builds {@link SchemaMigratorProps}. */
    public static final class Builder {
        private IVpc vpc;
        private SubnetSelection vpcSubnets;
        private List<ISecurityGroup> securityGroups;
        private IConnectable database;
        private Number databasePort;
        private ISecret databaseSecret;
        private String migrationsDirectory;
        private final Map<String, String> placeholders = new LinkedHashMap<>();
        private final Map<String, PlaceholderSecret> placeholderSecrets = new LinkedHashMap<>();
        private List<String> schemas;
        private String functionName;
        private Duration timeout;
        private Number memorySize;
        private Architecture architecture;
        private String baseImage;
        private RetentionDays logRetention;
        private ITopic alarmTopic;
        private String dashboardName;
        private MigrationTrigger migrateOn;
        private String deployId;
        private final List<IDependable> dependsOn = new ArrayList<>();
        private Boolean planner;
        private String databaseName;
        private String plannerUsername;
        private String plannerFunctionName;
        private IamDatabaseAuthentication iamAuthentication;
        private IKey databaseSecretKey;
        private InterfaceVpcEndpoint secretsManagerEndpoint;
        private Boolean monitoring;
        private Boolean dashboard;
        private RemovalPolicy logRemovalPolicy;

        private Builder() {
        }

        /** The VPC the function runs in (required); the construct creates no VPC, subnet or endpoint. */
        public Builder vpc(IVpc value) {
            vpc = value;
            return this;
        }

        /** Subnets that reach the database; default CDK's selection for a function (the private subnets). */
        public Builder vpcSubnets(SubnetSelection value) {
            vpcSubnets = value;
            return this;
        }

        /** The function's security groups; default one of its own, all outbound allowed. */
        public Builder securityGroups(List<? extends ISecurityGroup> value) {
            securityGroups = value == null ? null : new ArrayList<>(value);
            return this;
        }

        /**
         * The database as connections (required): a cluster, an imported cluster, or anything with security groups.
         * Each of its security groups gets an ingress rule admitting the function's on {@code databasePort}. A cluster
         * ({@code IDatabaseCluster}, imported with its {@code clusterEndpointAddress}) or an instance also gives the
         * function its writer endpoint as {@code DB_HOST} and {@code DB_PORT}.
         */
        public Builder database(IConnectable value) {
            database = value;
            return this;
        }

        /** The database's port; default {@value #DEFAULT_DATABASE_PORT}. */
        public Builder databasePort(Number value) {
            databasePort = value;
            return this;
        }

        /**
         * The secret the function connects with (required), RDS JSON. {@code username} and {@code password} suffice
         * (all an RDS-managed master secret, {@code ManageMasterUserPassword}, holds) when {@code database} is a
         * cluster or an instance whose endpoint the construct can read and {@code databaseName} is given: the function
         * then gets them as {@code DB_HOST}, {@code DB_PORT} and {@code DB_NAME}, which win over the secret's
         * {@code host}, {@code port} and {@code dbname}. Read access is granted, and {@code kms:Decrypt} on the
         * secret's {@code getEncryptionKey()} when it names one (an imported secret: {@code databaseSecretKey}).
         */
        public Builder databaseSecret(ISecret value) {
            databaseSecret = value;
            return this;
        }

        /** The folder of Flyway SQL migrations baked into the image (required). */
        public Builder migrationsDirectory(String value) {
            migrationsDirectory = value;
            return this;
        }

        /** Plain Flyway placeholders, name to value (visible in the template: nothing secret); default none. */
        public Builder placeholders(Map<String, String> value) {
            placeholders.putAll(Objects.requireNonNull(value, "placeholders must not be null"));
            return this;
        }

        /** Placeholders read from secrets at run time, name to secret and JSON key (read granted); default none. */
        public Builder placeholderSecrets(Map<String, PlaceholderSecret> value) {
            placeholderSecrets.putAll(Objects.requireNonNull(value, "placeholderSecrets must not be null"));
            return this;
        }

        /**
         * The schemas Flyway manages, the first holding the schema history ({@code FLYWAY_SCHEMAS} in the function's
         * and the workflow task's environment); default none set: the connection's current schema, as Flyway does.
         */
        public Builder schemas(List<String> value) {
            schemas = Objects.requireNonNull(value, "schemas must not be null");
            return this;
        }

        /** The function's physical name; default generated. */
        public Builder functionName(String value) {
            functionName = value;
            return this;
        }

        /** Lambda timeout, 1 to 15 minutes; default {@value #DEFAULT_TIMEOUT_MINUTES} minutes. */
        public Builder timeout(Duration value) {
            timeout = value;
            return this;
        }

        /** Lambda memory, 512 to 10240 MB; default {@value #DEFAULT_MEMORY_MB}. */
        public Builder memorySize(Number value) {
            memorySize = value;
            return this;
        }

        /** The function's architecture (the image is built for it); default {@code ARM_64}. */
        public Builder architecture(Architecture value) {
            architecture = value;
            return this;
        }

        /**
         * The published base image ({@code <registry>/<repository>@sha256:<digest>}, pinned by digest, for both
         * architectures): the image is then that image plus {@code COPY migrations}, nothing run, so any builder
         * builds it and no JDK is needed; its build context is only a Dockerfile and the migrations. Default: none,
         * the image is built from this artifact (the function, the training run, the repository's Dockerfile).
         */
        public Builder baseImage(String value) {
            baseImage = value;
            return this;
        }

        /** Retention of the function's log group; default one month. */
        public Builder logRetention(RetentionDays value) {
            logRetention = value;
            return this;
        }

        /** The topic the two alarms notify; default none (alarms without actions). Needs {@code monitoring}. */
        public Builder alarmTopic(ITopic value) {
            alarmTopic = value;
            return this;
        }

        /** The dashboard's name; default generated. Setting it asks for the dashboard. */
        public Builder dashboardName(String value) {
            dashboardName = value;
            return this;
        }

        /**
         * When to migrate; default {@link MigrationTrigger#EVERY_DEPLOY} (every deploy is an Update carrying a new
         * {@code DeployId}). {@link MigrationTrigger#MIGRATIONS_CHANGE}: only when the migrations folder's content
         * changes; the custom resource then carries no {@code DeployId} and its logical id holds the migrations'
         * digest, so a change replaces it (Create migrates, the old one's Delete touches nothing) and a rollback
         * only deletes the new one.
         */
        public Builder migrateOn(MigrationTrigger value) {
            migrateOn = value;
            return this;
        }

        /**
         * The deploy's time, an ISO-8601 UTC instant such as {@code 2026-11-28T09:15:00Z}; default the synth time.
         * Only with {@link MigrationTrigger#EVERY_DEPLOY}.
         */
        public Builder deployId(String value) {
            deployId = value;
            return this;
        }

        /** More that the migration must wait for (a cluster's writer, endpoints); default nothing. */
        public Builder dependsOn(List<? extends IDependable> value) {
            dependsOn.addAll(Objects.requireNonNull(value, "dependsOn must not be null"));
            return this;
        }

        /**
         * Adds the planner; default false. The planner is a second function from the same image whose commands are
         * {@value SchemaMigrator#PLANNER_COMMANDS}: it connects as a database role that reads and never writes
         * ({@code plannerUsername}), with the password of a secret of its own that the construct generates and
         * attaches to {@code database} (which must then be a cluster). The migrator creates and keeps that role
         * after each successful migrate. The planner reads neither the database secret nor a placeholder secret.
         * Needs {@code databaseName}.
         */
        public Builder planner(Boolean value) {
            planner = value;
            return this;
        }

        /**
         * The database the migrations run in: the function's {@code DB_NAME} (winning over the secret's
         * {@code dbname}) and the planner secret's {@code dbname}; default the secret's {@code dbname}; required with
         * the planner and with a secret that holds no {@code dbname} (an RDS-managed one).
         */
        public Builder databaseName(String value) {
            databaseName = value;
            return this;
        }

        /**
         * The planner's database role; default {@value #DEFAULT_PLANNER_USERNAME}. Roles are cluster-wide: migrators
         * of different databases of one cluster need different names.
         */
        public Builder plannerUsername(String value) {
            plannerUsername = value;
            return this;
        }

        /**
         * Log in as a migration role with IAM database authentication instead of the database secret's password;
         * default unset. The database secret is then read only to create that role on the first deploy. Needs
         * {@code databaseName}; not with the planner. See {@link IamDatabaseAuthentication} and
         * docs/iam-authentication.md.
         */
        public Builder iamAuthentication(IamDatabaseAuthentication value) {
            iamAuthentication = value;
            return this;
        }

        /** The planner function's physical name; default generated. */
        public Builder plannerFunctionName(String value) {
            plannerFunctionName = value;
            return this;
        }

        /**
         * The customer managed key of an imported {@code databaseSecret} (one imported by ARN does not know its key),
         * granted {@code kms:Decrypt} to the function; default none. A secret that knows its key (created in the app,
         * or imported with {@code Secret.fromSecretAttributes(... encryptionKey ...)}) needs nothing here. The key's
         * policy must let the account's IAM policies grant it (the default key policy does).
         */
        public Builder databaseSecretKey(IKey value) {
            databaseSecretKey = value;
            return this;
        }

        /**
         * A Secrets Manager interface endpoint the functions use by its own DNS name
         * ({@code AWS_ENDPOINT_URL_SECRETS_MANAGER}, which the AWS SDK honours), so the endpoint needs no private DNS
         * and no other workload's path to Secrets Manager changes ({@link MigratorEndpoints}); their security group is
         * admitted to it on 443 and the migration waits for it. Default none: the SDK's default name (a NAT, or an
         * endpoint with private DNS the VPC already has).
         */
        public Builder secretsManagerEndpoint(InterfaceVpcEndpoint value) {
            secretsManagerEndpoint = value;
            return this;
        }

        /**
         * Adds the two alarms ({@code MigrationFailed}, {@code Errors}); default true. Without them, alarm on
         * {@link SchemaMigrator#metricMigrationFailed()} yourself: on the custom-resource path a failed migration is
         * no Lambda error.
         */
        public Builder monitoring(Boolean value) {
            monitoring = value;
            return this;
        }

        /**
         * Adds a dashboard beside the alarms; default false (true when {@code dashboardName} is given): one dashboard
         * per tenant is a choice, not a cost every migrator carries.
         */
        public Builder dashboard(Boolean value) {
            dashboard = value;
            return this;
        }

        /**
         * What happens to the functions' log groups when they leave the stack; default {@link RemovalPolicy#DESTROY}.
         * {@link RemovalPolicy#RETAIN} keeps the logs of a deleted migrator, but with a {@code functionName} the
         * retained group then blocks the next create of the same name (a failed first deploy is deleted and
         * redeployed): delete the group by hand before that deploy.
         */
        public Builder logRemovalPolicy(RemovalPolicy value) {
            logRemovalPolicy = value;
            return this;
        }

        public SchemaMigratorProps build() {
            return new SchemaMigratorProps(this);
        }
    }
}
