package io.skylift.infra.database;

import io.skylift.infra.nag.Suppressions;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.rds.AuroraPostgresClusterEngineProps;
import software.amazon.awscdk.services.rds.AuroraPostgresEngineVersion;
import software.amazon.awscdk.services.rds.BackupProps;
import software.amazon.awscdk.services.rds.ClusterInstance;
import software.amazon.awscdk.services.rds.Credentials;
import software.amazon.awscdk.services.rds.DatabaseCluster;
import software.amazon.awscdk.services.rds.DatabaseClusterEngine;
import software.amazon.awscdk.services.rds.IClusterEngine;
import software.amazon.awscdk.services.rds.IClusterInstance;
import software.amazon.awscdk.services.rds.ParameterGroup;
import software.amazon.awscdk.services.rds.ServerlessV2ClusterInstanceProps;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * An Aurora Serverless v2 PostgreSQL cluster with one writer, and the generated secrets of its master
 * user and of the application user the migrations create.
 *
 * <p>Always: storage encrypted, TLS forced ({@code rds.force_ssl=1} in a cluster parameter group),
 * PostgreSQL logs exported to a log group with a retention, IAM database authentication enabled,
 * and a security group that admits nobody until a caller is allowed through the cluster's {@code connections}
 * (the migrator does so from its own stack).
 */
public final class Database extends Construct {

    /** PostgreSQL's port, kept: callers and runbooks expect it, and only one security group reaches it. */
    public static final int PORT = 5432;

    private static final String WRITER_ID = "Writer";

    /**
     * Characters left out of the generated application password, which the migrations place inside
     * a single-quoted SQL literal: quotes, backslash, and the characters that break connection URLs.
     */
    public static final String APP_PASSWORD_EXCLUDED_CHARACTERS = " '\"\\@/";

    private final DatabaseCluster cluster;
    private final IConstruct writer;
    private final ISecret masterSecret;
    private final ISecret appSecret;

    public Database(Construct scope, String id, Props props) {
        super(scope, id);
        Objects.requireNonNull(props, "props must not be null");

        IClusterEngine engine = DatabaseClusterEngine.auroraPostgres(AuroraPostgresClusterEngineProps.builder()
                .version(AuroraPostgresEngineVersion.of(props.engineVersion(), props.engineMajorVersion()))
                .build());

        ParameterGroup parameters = ParameterGroup.Builder.create(this, "ClusterParameters")
                .engine(engine)
                .description("Skylift " + props.clusterIdentifier() + ": TLS required")
                .parameters(Map.of("rds.force_ssl", "1"))
                .build();

        SecurityGroup securityGroup = SecurityGroup.Builder.create(this, "SecurityGroup")
                .vpc(props.vpc())
                .description("Aurora " + props.clusterIdentifier() + ": PostgreSQL from the migrator only")
                // The database starts no connections of its own.
                .allowAllOutbound(false)
                .build();

        // Created here rather than through cloudwatchLogsRetention, which would add a Lambda-backed
        // custom resource just to set the retention. RDS writes into the group of this exact name.
        LogGroup postgresLogs = LogGroup.Builder.create(this, "PostgresqlLogs")
                .logGroupName("/aws/rds/cluster/" + props.clusterIdentifier() + "/postgresql")
                .retention(props.logRetention())
                .removalPolicy(props.removalPolicy() == RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY
                        : RemovalPolicy.RETAIN)
                .build();

        IClusterInstance writerInstance = ClusterInstance.serverlessV2(WRITER_ID, ServerlessV2ClusterInstanceProps.builder()
                .publiclyAccessible(false)
                .autoMinorVersionUpgrade(true)
                .build());

        DatabaseCluster.Builder builder = DatabaseCluster.Builder.create(this, "Cluster")
                .engine(engine)
                .clusterIdentifier(props.clusterIdentifier())
                .credentials(Credentials.fromGeneratedSecret(props.masterUsername()))
                .defaultDatabaseName(props.databaseName())
                .writer(writerInstance)
                .serverlessV2MinCapacity(props.minCapacity())
                .serverlessV2MaxCapacity(props.maxCapacity())
                .vpc(props.vpc())
                .vpcSubnets(props.subnets())
                .securityGroups(List.of(securityGroup))
                .port(PORT)
                .parameterGroup(parameters)
                .storageEncrypted(true)
                .iamAuthentication(true)
                .backup(BackupProps.builder().retention(Duration.days(props.backupRetentionDays())).build())
                .cloudwatchLogsExports(List.of("postgresql"))
                .deletionProtection(props.deletionProtection())
                .removalPolicy(props.removalPolicy());
        if (props.minCapacity() == 0) {
            builder.serverlessV2AutoPauseDuration(Duration.minutes(props.autoPauseMinutes()));
        }
        cluster = builder.build();
        cluster.getNode().addDependency(postgresLogs);
        // The writer is a construct the cluster creates under the id it was given.
        writer = cluster.getNode().findChild(WRITER_ID);
        masterSecret = Objects.requireNonNull(cluster.getSecret(), "a cluster with generated credentials has a secret");

        Secret generated = Secret.Builder.create(this, "AppSecret")
                .description("Skylift " + props.clusterIdentifier() + ": application user "
                        + props.appUsername() + " (created by the migrations)")
                .generateSecretString(SecretStringGenerator.builder()
                        .secretStringTemplate("{\"username\":\"" + props.appUsername() + "\"}")
                        .generateStringKey("password")
                        .excludeCharacters(APP_PASSWORD_EXCLUDED_CHARACTERS)
                        .passwordLength(32)
                        .build())
                .build();
        // Attached, the secret also carries host, port and dbname: applications can connect with it alone.
        appSecret = generated.attach(cluster);

        String rotation = "No rotation is configured, and none could run as this stack stands: a rotation function"
                + " would need its own security group admitted to the Secrets Manager endpoint (443) and to the"
                + " database (5432), which admit the migrator's alone. Rotating from outside is safe for the migrator:"
                + " it caches secrets for SECRET_CACHE_TTL_SECONDS and reads them again after an authentication"
                + " failure.";
        Suppressions.suppress(cluster, "AwsSolutions-SMG4", rotation);
        Suppressions.suppress(generated, "AwsSolutions-SMG4", rotation);
        if (!props.deletionProtection()) {
            Suppressions.suppress(cluster, "AwsSolutions-RDS10", "Deletion protection is off for this stage by"
                    + " its <stage>DeletionProtection context key (off by default in dev only), so the stack can be"
                    + " torn down and recreated.");
        }
    }

    /** The cluster. */
    public DatabaseCluster getCluster() {
        return cluster;
    }

    /** The serverless v2 writer instance (an {@code AWS::RDS::DBInstance} under the cluster). */
    public IConstruct getWriter() {
        return writer;
    }

    /** The master user's secret (RDS JSON: username, password, host, port, dbname, engine). */
    public ISecret getMasterSecret() {
        return masterSecret;
    }

    /** The application user's secret (username, password, and the cluster's host, port, dbname, engine). */
    public ISecret getAppSecret() {
        return appSecret;
    }

    /**
     * Database properties. Required: {@code vpc}, {@code subnets}, {@code clusterIdentifier}.
     *
     * @param vpc                 VPC of the cluster
     * @param subnets             subnets of the cluster (private)
     * @param clusterIdentifier   cluster identifier, lower case; also names the PostgreSQL log group
     * @param engineVersion       Aurora PostgreSQL full version; default {@value #DEFAULT_ENGINE_VERSION}
     * @param databaseName        database created with the cluster; default {@value #DEFAULT_DATABASE_NAME}
     * @param masterUsername      master user; default {@value #DEFAULT_MASTER_USERNAME}
     * @param appUsername         application user named in the application secret; default
     *                            {@value #DEFAULT_APP_USERNAME}
     * @param minCapacity         minimum ACUs, 0 allows auto-pause; default 0
     * @param maxCapacity         maximum ACUs; default 2
     * @param autoPauseMinutes    idle minutes before pausing, used when {@code minCapacity} is 0; default 10
     * @param backupRetentionDays days of automated backups, at least 7; default 7
     * @param removalPolicy       what stack deletion does to the cluster; default {@code DESTROY}
     * @param deletionProtection  whether deletion is refused; default false
     * @param logRetention        retention of the exported PostgreSQL log; default one month
     */
    public record Props(
            IVpc vpc,
            SubnetSelection subnets,
            String clusterIdentifier,
            String engineVersion,
            String databaseName,
            String masterUsername,
            String appUsername,
            double minCapacity,
            double maxCapacity,
            int autoPauseMinutes,
            int backupRetentionDays,
            RemovalPolicy removalPolicy,
            boolean deletionProtection,
            RetentionDays logRetention) {

        public static final String DEFAULT_ENGINE_VERSION = "17.9";
        public static final String DEFAULT_DATABASE_NAME = "skylift";
        // Not "postgres" (nor "admin"): a default administrator name is the first one guessed (Control Tower CT.RDS.PR.21).
        public static final String DEFAULT_MASTER_USERNAME = "skylift_admin";
        public static final String DEFAULT_APP_USERNAME = DEFAULT_DATABASE_NAME + "_app";

        public Props {
            Objects.requireNonNull(vpc, "vpc must not be null");
            Objects.requireNonNull(subnets, "subnets must not be null");
            Objects.requireNonNull(clusterIdentifier, "clusterIdentifier must not be null");
            Objects.requireNonNull(engineVersion, "engineVersion must not be null");
            Objects.requireNonNull(databaseName, "databaseName must not be null");
            Objects.requireNonNull(masterUsername, "masterUsername must not be null");
            Objects.requireNonNull(appUsername, "appUsername must not be null");
            Objects.requireNonNull(removalPolicy, "removalPolicy must not be null");
            Objects.requireNonNull(logRetention, "logRetention must not be null");
            if (!engineVersion.matches("\\d+\\.\\d+")) {
                throw new IllegalArgumentException("engineVersion must be major.minor, was " + engineVersion);
            }
            if (minCapacity < 0 || maxCapacity < 1 || minCapacity > maxCapacity) {
                throw new IllegalArgumentException("capacity must satisfy 0 <= min <= max and max >= 1, was "
                        + minCapacity + ".." + maxCapacity);
            }
            if (backupRetentionDays < 7) {
                throw new IllegalArgumentException("backupRetentionDays must be at least 7, was " + backupRetentionDays);
            }
        }

        /** The major version of {@link #engineVersion()}, which selects the parameter group family. */
        public String engineMajorVersion() {
            return engineVersion.substring(0, engineVersion.indexOf('.'));
        }

        /** A builder holding the defaults. */
        public static Builder builder() {
            return new Builder();
        }

        /** Builds {@link Props}; every optional setting starts at its default. */
        public static final class Builder {
            private IVpc vpc;
            private SubnetSelection subnets;
            private String clusterIdentifier;
            private String engineVersion = DEFAULT_ENGINE_VERSION;
            private String databaseName = DEFAULT_DATABASE_NAME;
            private String masterUsername = DEFAULT_MASTER_USERNAME;
            private String appUsername = DEFAULT_APP_USERNAME;
            private double minCapacity = 0;
            private double maxCapacity = 2;
            private int autoPauseMinutes = 10;
            private int backupRetentionDays = 7;
            private RemovalPolicy removalPolicy = RemovalPolicy.DESTROY;
            private boolean deletionProtection = false;
            private RetentionDays logRetention = RetentionDays.ONE_MONTH;

            public Builder vpc(IVpc value) {
                vpc = value;
                return this;
            }

            public Builder subnets(SubnetSelection value) {
                subnets = value;
                return this;
            }

            public Builder clusterIdentifier(String value) {
                clusterIdentifier = value;
                return this;
            }

            public Builder engineVersion(String value) {
                engineVersion = value;
                return this;
            }

            public Builder databaseName(String value) {
                databaseName = value;
                return this;
            }

            public Builder masterUsername(String value) {
                masterUsername = value;
                return this;
            }

            public Builder appUsername(String value) {
                appUsername = value;
                return this;
            }

            public Builder capacity(double min, double max) {
                minCapacity = min;
                maxCapacity = max;
                return this;
            }

            public Builder autoPauseMinutes(int value) {
                autoPauseMinutes = value;
                return this;
            }

            public Builder backupRetentionDays(int value) {
                backupRetentionDays = value;
                return this;
            }

            public Builder removalPolicy(RemovalPolicy value) {
                removalPolicy = value;
                return this;
            }

            public Builder deletionProtection(boolean value) {
                deletionProtection = value;
                return this;
            }

            public Builder logRetention(RetentionDays value) {
                logRetention = value;
                return this;
            }

            public Props build() {
                return new Props(vpc, subnets, clusterIdentifier, engineVersion, databaseName, masterUsername,
                        appUsername, minCapacity, maxCapacity, autoPauseMinutes, backupRetentionDays,
                        removalPolicy, deletionProtection, logRetention);
            }
        }
    }
}
