package io.skylift.infra.migrator;

import io.skylift.infra.nag.Suppressions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ec2.CfnSecurityGroupIngress;
import software.amazon.awscdk.services.ec2.IConnectable;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ecr.assets.Platform;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.AssetImageCodeProps;
import software.amazon.awscdk.services.lambda.DockerImageCode;
import software.amazon.awscdk.services.lambda.DockerImageFunction;
import software.amazon.awscdk.services.lambda.Permission;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.constructs.Construct;

/**
 * The migrator: a Lambda function from the repository's top-level {@code Dockerfile} that runs Flyway
 * against the database, in the database's private subnets.
 *
 * <p>It gets the master secret's ARN as {@code DB_SECRET_ARN}, the application password as Flyway
 * placeholder {@code app_password} ({@code PLACEHOLDER_SECRET_APP_PASSWORD=<arn>#password}), and read
 * access to exactly those two secrets.
 */
public final class Migrator extends Construct {

    /**
     * Left out of the image asset: build outputs, dependencies, CDK output and editor files. They would
     * change the asset hash (a new image on every build) and slow the copy into {@code cdk.out}.
     * A {@code .dockerignore} in the directory is applied as well.
     */
    public static final List<String> IMAGE_EXCLUDES = List.of(
            ".git", "**/target", "**/node_modules", "cdk.out", "**/cdk.out", "cdk.context.json",
            ".idea", ".vscode", "**/*.iml");

    /** The environment variable naming the database (master) secret. */
    public static final String DB_SECRET_ARN = "DB_SECRET_ARN";

    /** The environment variable mapping Flyway placeholder {@code app_password} to the application secret. */
    public static final String APP_PASSWORD_PLACEHOLDER = "PLACEHOLDER_SECRET_APP_PASSWORD";

    /**
     * How long an asynchronous event (CloudFormation's) may wait in Lambda's queue before it is dropped. The
     * custom resource waits this long beyond the function's timeout ({@link SchemaMigration}), so any event
     * that starts still has CloudFormation waiting for its answer.
     */
    public static final Duration MAX_EVENT_AGE = Duration.minutes(2);

    private final DockerImageFunction function;
    private final SecurityGroup securityGroup;

    public Migrator(Construct scope, String id, Props props) {
        super(scope, id);
        Objects.requireNonNull(props, "props must not be null");

        securityGroup = SecurityGroup.Builder.create(this, "SecurityGroup")
                .vpc(props.vpc())
                .description("Skylift migrator " + props.functionName())
                // Egress stays open: in private subnets it reaches only the VPC (database, endpoints), and the
                // S3 gateway endpoint's prefix list cannot be named without a lookup.
                .allowAllOutbound(true)
                .build();

        LogGroup logGroup = LogGroup.Builder.create(this, "Logs")
                .logGroupName("/aws/lambda/" + props.functionName())
                .retention(props.logRetention())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();

        boolean arm = props.architecture() == Architecture.ARM_64;
        function = DockerImageFunction.Builder.create(this, "Function")
                .functionName(props.functionName())
                .description("Skylift: runs the Flyway migrations baked into its image")
                .code(DockerImageCode.fromImageAsset(props.imageDirectory().toString(), AssetImageCodeProps.builder()
                        .platform(arm ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64)
                        .exclude(IMAGE_EXCLUDES)
                        .build()))
                .architecture(props.architecture())
                .memorySize(props.memoryMb())
                .timeout(props.timeout())
                .vpc(props.vpc())
                .vpcSubnets(props.subnets())
                .securityGroups(List.of(securityGroup))
                .environment(Map.of(
                        DB_SECRET_ARN, props.databaseSecret().getSecretArn(),
                        APP_PASSWORD_PLACEHOLDER, props.appSecret().getSecretArn() + "#password"))
                .logGroup(logGroup)
                // CloudFormation invokes asynchronously. The function always answers, so a retry could only
                // repeat a migration after a crash, past the custom resource's ServiceTimeout; and an event that
                // waited in Lambda's queue longer than MAX_EVENT_AGE is dropped rather than run after
                // CloudFormation stopped waiting for it (the default age is six hours).
                .retryAttempts(0)
                .maxEventAge(MAX_EVENT_AGE)
                .build();

        Suppressions.suppress(function, "AwsSolutions-IAM4", "The AWS-managed Lambda execution policies grant"
                        + " only writing the function's logs and managing its network interfaces in the VPC; data access"
                        + " is granted separately, secret by secret.",
                "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole");

        props.databaseSecret().grantRead(function);
        props.appSecret().grantRead(function);

        // A stage in another account is checked by the pipeline's post-deploy step, which runs in the
        // pipeline's account: that account may invoke this function (and nothing else here).
        props.invokingAccount().ifPresent(account -> function.addPermission("PipelineInvoke", Permission.builder()
                .principal(new AccountPrincipal(account))
                .action("lambda:InvokeFunction")
                .build()));
    }

    /** The function. */
    public DockerImageFunction getFunction() {
        return function;
    }

    /** The function's security group, which the database and the Secrets Manager endpoint admit. */
    public SecurityGroup getSecurityGroup() {
        return securityGroup;
    }

    /**
     * Lets the function reach {@code target} on TCP {@code port}: an ingress rule on each of the target's
     * security groups, admitting this function's security group only.
     *
     * <p>The rules are created here, under this construct, not with the target: when the target is in another
     * stack (the data stack), that stack then never refers to the migrator's security group (which would make
     * it depend on the migrator's stack: a cycle), the rules roll back with the migrator, and whatever depends
     * on this construct (the custom resource) also waits for them.
     *
     * @param id     construct id of the rule(s), unique within this construct
     * @return the rules, one per security group of the target
     */
    public List<CfnSecurityGroupIngress> allowTo(String id, IConnectable target, int port, String description) {
        Objects.requireNonNull(id, "id must not be null");
        Objects.requireNonNull(target, "target must not be null");
        Objects.requireNonNull(description, "description must not be null");
        List<ISecurityGroup> groups = target.getConnections().getSecurityGroups();
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("allowTo " + id + ": the target has no security group to admit the"
                    + " migrator into");
        }
        List<CfnSecurityGroupIngress> rules = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            rules.add(CfnSecurityGroupIngress.Builder.create(this, groups.size() == 1 ? id : id + (i + 1))
                    .groupId(groups.get(i).getSecurityGroupId())
                    .sourceSecurityGroupId(securityGroup.getSecurityGroupId())
                    .ipProtocol("tcp")
                    .fromPort(port)
                    .toPort(port)
                    .description(description)
                    .build());
        }
        return List.copyOf(rules);
    }

    /**
     * Migrator properties. Required: {@code vpc}, {@code subnets}, {@code functionName},
     * {@code imageDirectory}, {@code databaseSecret}, {@code appSecret}.
     *
     * @param vpc             VPC to run in
     * @param subnets         subnets to run in (those that reach the database)
     * @param functionName    physical function name: operators and the pipeline invoke it by name
     * @param imageDirectory  directory holding the {@code Dockerfile} (the repository root)
     * @param databaseSecret  master secret, passed as {@code DB_SECRET_ARN}
     * @param appSecret       application user's secret, whose {@code password} becomes placeholder
     *                        {@code app_password}
     * @param architecture    default {@code ARM_64}
     * @param timeout         Lambda timeout, 1 to 15 minutes; default {@value #DEFAULT_TIMEOUT_MINUTES} minutes
     * @param memoryMb        default {@value #DEFAULT_MEMORY_MB}
     * @param logRetention    retention of the function's log group; default one month
     * @param invokingAccount another account allowed to invoke the function; default none
     */
    public record Props(
            IVpc vpc,
            SubnetSelection subnets,
            String functionName,
            Path imageDirectory,
            ISecret databaseSecret,
            ISecret appSecret,
            Architecture architecture,
            Duration timeout,
            int memoryMb,
            RetentionDays logRetention,
            Optional<String> invokingAccount) {

        public static final int DEFAULT_TIMEOUT_MINUTES = 10;
        public static final int DEFAULT_MEMORY_MB = 1024;

        public Props {
            Objects.requireNonNull(vpc, "vpc must not be null");
            Objects.requireNonNull(subnets, "subnets must not be null");
            Objects.requireNonNull(functionName, "functionName must not be null");
            Objects.requireNonNull(imageDirectory, "imageDirectory must not be null");
            Objects.requireNonNull(databaseSecret, "databaseSecret must not be null");
            Objects.requireNonNull(appSecret, "appSecret must not be null");
            Objects.requireNonNull(architecture, "architecture must not be null");
            Objects.requireNonNull(timeout, "timeout must not be null");
            Objects.requireNonNull(logRetention, "logRetention must not be null");
            Objects.requireNonNull(invokingAccount, "invokingAccount must not be null");
            if (!Files.isRegularFile(imageDirectory.resolve("Dockerfile"))) {
                throw new IllegalArgumentException("No Dockerfile in " + imageDirectory.toAbsolutePath()
                        + ": the migrator's image is built from the repository's top-level Dockerfile");
            }
            double seconds = timeout.toSeconds().doubleValue();
            if (seconds < 60 || seconds > 900) {
                throw new IllegalArgumentException("timeout must be from 1 to 15 minutes, was " + seconds + " s");
            }
        }

        /** A builder holding the defaults. */
        public static Builder builder() {
            return new Builder();
        }

        /** Builds {@link Props}; every optional setting starts at its default. */
        public static final class Builder {
            private IVpc vpc;
            private SubnetSelection subnets;
            private String functionName;
            private Path imageDirectory;
            private ISecret databaseSecret;
            private ISecret appSecret;
            private Architecture architecture = Architecture.ARM_64;
            private Duration timeout = Duration.minutes(DEFAULT_TIMEOUT_MINUTES);
            private int memoryMb = DEFAULT_MEMORY_MB;
            private RetentionDays logRetention = RetentionDays.ONE_MONTH;
            private Optional<String> invokingAccount = Optional.empty();

            public Builder vpc(IVpc value) {
                vpc = value;
                return this;
            }

            public Builder subnets(SubnetSelection value) {
                subnets = value;
                return this;
            }

            public Builder functionName(String value) {
                functionName = value;
                return this;
            }

            public Builder imageDirectory(Path value) {
                imageDirectory = value;
                return this;
            }

            public Builder databaseSecret(ISecret value) {
                databaseSecret = value;
                return this;
            }

            public Builder appSecret(ISecret value) {
                appSecret = value;
                return this;
            }

            public Builder architecture(Architecture value) {
                architecture = value;
                return this;
            }

            public Builder timeout(Duration value) {
                timeout = value;
                return this;
            }

            public Builder memoryMb(int value) {
                memoryMb = value;
                return this;
            }

            public Builder logRetention(RetentionDays value) {
                logRetention = value;
                return this;
            }

            public Builder invokingAccount(Optional<String> value) {
                invokingAccount = value;
                return this;
            }

            public Props build() {
                return new Props(vpc, subnets, functionName, imageDirectory, databaseSecret, appSecret, architecture,
                        timeout, memoryMb, logRetention, invokingAccount);
            }
        }
    }
}
