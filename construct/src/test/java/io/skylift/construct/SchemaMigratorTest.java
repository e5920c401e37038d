package io.skylift.construct;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.rds.DatabaseCluster;
import software.amazon.awscdk.services.rds.DatabaseClusterAttributes;
import software.amazon.awscdk.services.rds.IDatabaseCluster;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.sns.Topic;

/**
 * The construct alone, in a stack that imports an existing VPC, cluster and secrets by attributes (as an adopter's
 * app does): what it creates, what it must not create, what it grants, and the image it builds.
 */
class SchemaMigratorTest {

    static final Path MIGRATIONS = Path.of("src/test/resources/adopter-migrations").toAbsolutePath();
    static final String DB_SECRET = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders-db-AbCdEf";
    static final String CURRENCY_SECRET = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders-currency-GhIjKl";
    static final String DB_SG = "sg-0db0000000000000a";
    static final String OTHER_SG = "sg-0other00000000000b";

    @TempDir
    static Path outdir;

    private static Stack stack;
    private static SchemaMigrator migrator;
    private static Template template;

    @BeforeAll
    static void synthesize() {
        // Asset metadata as the CDK CLI turns it on: where the image context was staged.
        App app = App.Builder.create().outdir(outdir.toString())
                .context(Map.of("aws:cdk:enable-asset-metadata", true)).build();
        stack = new Stack(app, "Orders");
        Aspects.of(stack).add(new AwsSolutionsChecks(NagPackProps.builder().build()));
        IVpc vpc = Vpc.fromVpcAttributes(stack, "Vpc", VpcAttributes.builder()
                .vpcId("vpc-0123456789abcdef0")
                .availabilityZones(List.of("eu-west-1a", "eu-west-1b"))
                .isolatedSubnetIds(List.of("subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"))
                .build());
        ISecurityGroup dbSg = SecurityGroup.fromSecurityGroupId(stack, "DbSg", DB_SG);
        // Another security group in the VPC, which must get nothing.
        SecurityGroup.fromSecurityGroupId(stack, "OtherSg", OTHER_SG);
        IDatabaseCluster cluster = DatabaseCluster.fromDatabaseClusterAttributes(stack, "Cluster",
                DatabaseClusterAttributes.builder()
                        .clusterIdentifier("orders")
                        .clusterEndpointAddress("orders.cluster-abc.eu-west-1.rds.amazonaws.com")
                        .port(5432)
                        .securityGroups(List.of(dbSg))
                        .build());
        ISecret dbSecret = Secret.fromSecretCompleteArn(stack, "DbSecret", DB_SECRET);
        ISecret currency = Secret.fromSecretCompleteArn(stack, "CurrencySecret", CURRENCY_SECRET);
        migrator = new SchemaMigrator(stack, "Migrator", SchemaMigratorProps.builder()
                .vpc(vpc)
                .vpcSubnets(SubnetSelection.builder().subnets(vpc.getIsolatedSubnets()).build())
                .database(cluster)
                .databaseSecret(dbSecret)
                .migrationsDirectory(MIGRATIONS.toString())
                .placeholders(Map.of("region_name", "Europe"))
                .placeholderSecrets(Map.of("currency", PlaceholderSecret.fromSecret(currency, "code")))
                .alarmTopic(Topic.fromTopicArn(stack, "Alarms", "arn:aws:sns:eu-west-1:111111111111:orders-alarms"))
                .deployId("2026-11-28T09:15:00Z")
                .build());
        template = Template.fromStack(stack);
        app.synth();
    }

    @Test
    void it_creates_the_function_its_custom_resource_and_its_monitoring() {
        template.resourceCountIs("AWS::Lambda::Function", 1);
        template.hasResourceProperties("AWS::Lambda::Function", Map.of("PackageType", "Image",
                "Architectures", List.of("arm64"), "Timeout", 600, "MemorySize", 1024,
                "VpcConfig", Map.of("SubnetIds", List.of("subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"),
                        "SecurityGroupIds", List.of(Map.of("Fn::GetAtt", List.of(id("AWS::EC2::SecurityGroup"),
                                "GroupId"))))));
        template.resourceCountIs("Custom::SkyliftSchemaMigration", 1);
        template.resourceCountIs("AWS::CloudWatch::Alarm", 2);
        template.resourceCountIs("AWS::CloudWatch::Dashboard", 0);
        template.resourceCountIs("AWS::EC2::SecurityGroup", 1);
        template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", Map.of("MaximumRetryAttempts", 0,
                "MaximumEventAgeInSeconds", 120));
        template.hasResourceProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 30));
    }

    @Test
    void it_creates_no_network_endpoint_database_secret_or_topic() {
        for (String type : List.of("AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::VPCEndpoint", "AWS::EC2::NatGateway",
                "AWS::EC2::RouteTable", "AWS::RDS::DBCluster", "AWS::RDS::DBInstance", "AWS::SecretsManager::Secret",
                "AWS::SNS::Topic", "AWS::KMS::Key")) {
            template.resourceCountIs(type, 0);
        }
    }

    @Test
    void it_may_read_exactly_the_database_secret_and_the_placeholder_secrets() {
        List<Object> secretResources = new ArrayList<>();
        for (Map<String, Object> statement : statements()) {
            String actions = String.valueOf(statement.get("Action"));
            assertThat(actions).doesNotContain("\"*\"");
            if (actions.contains("secretsmanager:")) {
                Object resource = statement.get("Resource");
                secretResources.addAll(resource instanceof List<?> list ? list : List.of(resource));
            }
        }
        assertThat(secretResources).containsExactlyInAnyOrder(DB_SECRET, CURRENCY_SECRET);
    }

    @Test
    void the_placeholders_reach_the_function_and_no_secret_value_is_in_the_template() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables", Map.of(
                "DB_SECRET_ARN", DB_SECRET,
                "FLYWAY_PLACEHOLDERS_REGION_NAME", "Europe",
                "PLACEHOLDER_SECRET_CURRENCY", CURRENCY_SECRET + "#code",
                // The custom resource's DeployId, for the function's rollback rule.
                "SKYLIFT_DEPLOY_ID", "2026-11-28T09:15:00Z"))));
    }

    @Test
    void the_database_admits_the_function_on_its_port_and_nothing_else_is_opened() {
        List<Map<String, Object>> rules = properties("AWS::EC2::SecurityGroupIngress");
        assertThat(rules).hasSize(1);
        assertThat(rules.get(0)).containsEntry("GroupId", DB_SG).containsEntry("IpProtocol", "tcp")
                .containsEntry("FromPort", 5432).containsEntry("ToPort", 5432)
                .containsEntry("SourceSecurityGroupId", Map.of("Fn::GetAtt", List.of(id("AWS::EC2::SecurityGroup"),
                        "GroupId")));
        assertThat(template.toJSON().toString()).doesNotContain(OTHER_SG, "0.0.0.0/0\", \"FromPort");
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_custom_resource_carries_the_deploy_id_and_waits_for_the_function_its_permissions_and_the_ingress() {
        template.hasResourceProperties("Custom::SkyliftSchemaMigration", Map.of(
                "ServiceToken", Map.of("Fn::GetAtt", List.of(id("AWS::Lambda::Function"), "Arn")),
                "DeployId", "2026-11-28T09:15:00Z",
                "ServiceTimeout", "720"));
        Map<String, Object> resource = template.findResources("Custom::SkyliftSchemaMigration").values().iterator().next();
        assertThat((List<Object>) resource.get("DependsOn")).contains(id("AWS::Lambda::Function"),
                id("AWS::IAM::Policy"), id("AWS::EC2::SecurityGroupIngress"), id("AWS::Lambda::EventInvokeConfig"),
                id("AWS::Logs::LogGroup"));
        assertThat(migrator.getSchemaVersion()).isNotBlank();
    }

    @Test
    void both_alarms_notify_the_given_topic() {
        template.allResourcesProperties("AWS::CloudWatch::Alarm", Map.of("AlarmActions",
                List.of("arn:aws:sns:eu-west-1:111111111111:orders-alarms")));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("Namespace", "Skylift",
                "MetricName", "MigrationFailed"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_image_is_the_shipped_dockerfile_and_function_with_the_adopters_migrations() throws IOException {
        Map<String, Object> function = template.findResources("AWS::Lambda::Function").values().iterator().next();
        String assetPath = (String) ((Map<String, Object>) function.get("Metadata")).get("aws:asset:path");
        Path staged = outdir.resolve(assetPath);
        assertThat(names(staged.resolve("migrations"))).containsExactly("V1__create_invoices.sql", "V2__add_currency.sql");
        for (String name : names(MIGRATIONS)) {
            assertThat(staged.resolve("migrations").resolve(name)).hasSameBinaryContentAs(MIGRATIONS.resolve(name));
        }
        // The repository's Dockerfile and what it copies from the context, as Maven built it.
        assertThat(staged.resolve("Dockerfile")).hasSameTextualContentAs(Path.of("../Dockerfile"));
        assertThat(staged.resolve("function/target/skylift-function.jar")).isRegularFile();
        assertThat(staged.resolve("function/target/dependency")).isDirectoryContaining("glob:**/flyway-core-*.jar");
        assertThat(staged.resolve("image/src/main/lambda/bootstrap")).as("the entry point stays executable")
                .isExecutable();
        assertThat(staged.resolve("image/target/training")).isDirectoryContaining("glob:**/*.jar");
        assertThat(names(staged)).containsExactly("Dockerfile", "function", "image", "migrations");
        assertThat(staged.resolve("image/src/main/docker")).as("the Dockerfile for the published base stays out")
                .doesNotExist();
    }

    @Test
    void cdk_nag_finds_nothing_unsuppressed_and_only_the_managed_execution_policies_are_accepted() {
        assertThat(Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
        assertThat(Annotations.fromStack(stack).findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
        assertThat(template.toJSON().toString()).contains("AwsSolutions-IAM4")
                .doesNotContain("AwsSolutions-IAM5", "AwsSolutions-L1");
    }

    @Test
    void the_defaults_live_in_the_props_and_a_timeout_bounds_the_wait() {
        SchemaMigratorProps defaults = SchemaMigratorProps.builder().vpc(Vpc.fromVpcAttributes(stack, "V2",
                        VpcAttributes.builder().vpcId("vpc-1").availabilityZones(List.of("a")).build()))
                .database(migrator).databaseSecret(Secret.fromSecretNameV2(stack, "S2", "x"))
                .migrationsDirectory(MIGRATIONS.toString()).build();
        assertThat(defaults.getTimeout().toMinutes()).isEqualTo(SchemaMigratorProps.DEFAULT_TIMEOUT_MINUTES);
        assertThat(defaults.getMemorySize()).isEqualTo(SchemaMigratorProps.DEFAULT_MEMORY_MB);
        assertThat(defaults.getDatabasePort()).isEqualTo(5432);
        assertThat(defaults.getSecurityGroups()).isNull();
        assertThat(defaults.getAlarmTopic()).isNull();
        assertThat(SchemaMigration.serviceTimeout(Duration.minutes(15)).toSeconds()).isEqualTo(1020);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String id(String type) {
        return TemplateQueries.id(template, type);
    }

    private static List<Map<String, Object>> properties(String type) {
        return TemplateQueries.properties(template, type);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statements() {
        List<Map<String, Object>> all = new ArrayList<>();
        for (Map<String, Object> policy : properties("AWS::IAM::Policy")) {
            all.addAll((List<Map<String, Object>>) ((Map<String, Object>) policy.get("PolicyDocument")).get("Statement"));
        }
        return all;
    }
}
