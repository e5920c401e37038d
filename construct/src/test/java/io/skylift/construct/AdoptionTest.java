package io.skylift.construct;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import io.skylift.contract.EnvironmentVariables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpoint;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.rds.DatabaseCluster;
import software.amazon.awscdk.services.rds.DatabaseClusterAttributes;
import software.amazon.awscdk.services.rds.IDatabaseCluster;
import software.amazon.awscdk.services.secretsmanager.Secret;

/**
 * The construct in another team's account: an existing cluster whose RDS-managed master secret holds only username and
 * password and is encrypted with a customer managed key, an existing Secrets Manager endpoint without private DNS, no
 * dashboard; the choices an adopter makes (monitoring, log group removal, another port) and the metrics it alarms on.
 */
class AdoptionTest {

    static final String MANAGED_SECRET =
            "arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!cluster-0a1b2c3d-4e5f-AbCdEf";
    static final String KEY = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    static final String ENDPOINT_HOST = "orders.cluster-abc.eu-west-1.rds.amazonaws.com";

    private static final SubnetSelection ISOLATED = SubnetSelection.builder()
            .subnetType(software.amazon.awscdk.services.ec2.SubnetType.PRIVATE_ISOLATED).build();

    private static Stack stack;
    private static SchemaMigrator migrator;
    private static Template template;
    private static Template bare;

    @BeforeAll
    static void synthesize() {
        App app = new App();
        stack = new Stack(app, "Orders");
        Aspects.of(stack).add(new AwsSolutionsChecks(NagPackProps.builder().build()));
        IVpc vpc = vpc(stack);
        IDatabaseCluster cluster = DatabaseCluster.fromDatabaseClusterAttributes(stack, "Cluster",
                DatabaseClusterAttributes.builder()
                        .clusterIdentifier("orders")
                        .clusterEndpointAddress(ENDPOINT_HOST)
                        .port(5432)
                        .securityGroups(List.of(SecurityGroup.fromSecurityGroupId(stack, "DbSg", "sg-0db0000000000000a")))
                        .build());
        // The adopter's own endpoint, without private DNS: the migrator must reach it by its name.
        InterfaceVpcEndpoint endpoint = InterfaceVpcEndpoint.Builder.create(stack, "SecretsManagerEndpoint")
                .vpc(vpc)
                .service(InterfaceVpcEndpointAwsService.SECRETS_MANAGER)
                .privateDnsEnabled(false)
                .open(false)
                .build();
        migrator = new SchemaMigrator(stack, "Migrator", SchemaMigratorProps.builder()
                .vpc(vpc)
                .vpcSubnets(SubnetSelection.builder().subnets(vpc.getIsolatedSubnets()).build())
                .database(cluster)
                .databaseSecret(Secret.fromSecretCompleteArn(stack, "ManagedSecret", MANAGED_SECRET))
                .databaseSecretKey(Key.fromKeyArn(stack, "SecretKey", KEY))
                .databaseName("orders")
                .migrationsDirectory(SchemaMigratorTest.MIGRATIONS.toString())
                .secretsManagerEndpoint(endpoint)
                .logRemovalPolicy(RemovalPolicy.RETAIN)
                .deployId("2026-11-28T09:15:00Z")
                .build());
        migrator.allowTo("CacheIngress", SecurityGroup.fromSecurityGroupId(stack, "CacheSg", "sg-0cac4e00000000000"),
                Port.tcpRange(6379, 6380), "Redis from the migrator");

        // Monitoring left out, and a cluster created in the app (its endpoint is an attribute, not a literal).
        Stack other = new Stack(app, "Bare");
        DatabaseCluster created = DatabaseCluster.Builder.create(other, "Cluster")
                .engine(software.amazon.awscdk.services.rds.DatabaseClusterEngine.auroraPostgres(
                        software.amazon.awscdk.services.rds.AuroraPostgresClusterEngineProps.builder()
                                .version(software.amazon.awscdk.services.rds.AuroraPostgresEngineVersion.VER_16_13)
                                .build()))
                .writer(software.amazon.awscdk.services.rds.ClusterInstance.serverlessV2("Writer"))
                .vpc(vpc(other))
                .vpcSubnets(ISOLATED)
                .build();
        new SchemaMigrator(other, "Migrator", SchemaMigratorProps.builder()
                .vpc(created.getVpc())
                .vpcSubnets(ISOLATED)
                .database(created)
                .databaseSecret(created.getSecret())
                .migrationsDirectory(SchemaMigratorTest.MIGRATIONS.toString())
                .monitoring(false)
                .deployId("2026-11-28T09:15:00Z")
                .build());
        template = Template.fromStack(stack);
        bare = Template.fromStack(other);
    }

    private static IVpc vpc(Stack scope) {
        return Vpc.fromVpcAttributes(scope, "Vpc", VpcAttributes.builder()
                .vpcId("vpc-0123456789abcdef0")
                .availabilityZones(List.of("eu-west-1a", "eu-west-1b"))
                .isolatedSubnetIds(List.of("subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"))
                .build());
    }

    @Test
    void an_rds_managed_secret_suffices_the_function_gets_host_and_port_from_the_cluster_and_the_database_name() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables", Map.of(
                SchemaMigrator.DB_SECRET_ARN, MANAGED_SECRET,
                EnvironmentVariables.DB_HOST, ENDPOINT_HOST,
                EnvironmentVariables.DB_PORT, "5432",
                EnvironmentVariables.DB_NAME, "orders"))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_cluster_of_the_app_gives_its_endpoint_attributes_and_without_database_name_the_secret_names_the_database() {
        Map<String, Object> variables = (Map<String, Object>) ((Map<String, Object>) TemplateQueries.properties(bare,
                "AWS::Lambda::Function").getFirst().get("Environment")).get("Variables");
        String cluster = TemplateQueries.id(bare, "AWS::RDS::DBCluster");
        assertThat(variables.get(EnvironmentVariables.DB_HOST))
                .isEqualTo(Map.of("Fn::GetAtt", List.of(cluster, "Endpoint.Address")));
        assertThat(variables.get(EnvironmentVariables.DB_PORT))
                .isEqualTo(Map.of("Fn::GetAtt", List.of(cluster, "Endpoint.Port")));
        assertThat(variables).doesNotContainKeys(EnvironmentVariables.DB_NAME, SchemaMigrator.SECRETS_MANAGER_ENDPOINT_URL);
    }

    @Test
    void the_secrets_customer_managed_key_is_granted_decrypt_through_secrets_manager_only() {
        List<Map<String, Object>> decrypt = statements(template).stream()
                .filter(s -> String.valueOf(s.get("Action")).contains("kms:Decrypt")).toList();
        assertThat(decrypt).as("kms statements of %s", statements(template)).singleElement().satisfies(statement -> {
            assertThat(statement.get("Action")).isEqualTo("kms:Decrypt");
            assertThat(statement.get("Resource")).isEqualTo(KEY);
            assertThat(statement.get("Condition")).as("through Secrets Manager of the stack's region")
                    .isEqualTo(Map.of("StringEquals", Map.of("kms:ViaService", Map.of("Fn::Join", List.of("",
                            List.of("secretsmanager.", Map.of("Ref", "AWS::Region"), ".amazonaws.com"))))));
        });
    }

    @Test
    void a_secret_of_the_app_with_its_own_key_needs_no_prop_reading_it_grants_the_key() {
        Stack keyed = new Stack(new App(), "Keyed");
        Key key = Key.Builder.create(keyed, "Key").enableKeyRotation(true).build();
        Secret secret = Secret.Builder.create(keyed, "Secret").encryptionKey(key).build();
        new SchemaMigrator(keyed, "Migrator", SchemaMigratorProps.builder()
                .vpc(vpc(keyed))
                .vpcSubnets(ISOLATED)
                .database(SecurityGroup.fromSecurityGroupId(keyed, "DbSg", "sg-0db0000000000000a"))
                .databaseSecret(secret)
                .migrationsDirectory(SchemaMigratorTest.MIGRATIONS.toString())
                .monitoring(false)
                .build());
        String policy = Template.fromStack(keyed).toJSON().toString();
        assertThat(policy).as("the key's policy lets the function decrypt through Secrets Manager")
                .contains("kms:Decrypt").contains("kms:ViaService");
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_function_reaches_secrets_manager_by_the_endpoints_own_name_and_is_admitted_to_it() {
        String endpoint = TemplateQueries.id(template, "AWS::EC2::VPCEndpoint");
        Object dnsName = Map.of("Fn::Select", List.of(1, Map.of("Fn::Split", List.of(":",
                Map.of("Fn::Select", List.of(0, Map.of("Fn::GetAtt", List.of(endpoint, "DnsEntries"))))))));
        template.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables", Map.of(
                SchemaMigrator.SECRETS_MANAGER_ENDPOINT_URL,
                Map.of("Fn::Join", List.of("", List.of("https://", dnsName)))))));
        Object endpointGroup = Map.of("Fn::GetAtt", List.of(endpointGroupId(), "GroupId"));
        assertThat(TemplateQueries.properties(template, "AWS::EC2::SecurityGroupIngress"))
                .anySatisfy(rule -> assertThat(rule).containsEntry("GroupId", endpointGroup)
                        .containsEntry("FromPort", 443).containsEntry("ToPort", 443).containsEntry("IpProtocol", "tcp"));
        Map<String, Object> resource = template.findResources(SchemaMigration.RESOURCE_TYPE).values().iterator().next();
        assertThat((List<Object>) resource.get("DependsOn")).as("the migration waits for the endpoint")
                .contains(endpoint);
    }

    @Test
    void allow_to_takes_an_ec2_port_its_protocol_and_range() {
        assertThat(TemplateQueries.properties(template, "AWS::EC2::SecurityGroupIngress"))
                .anySatisfy(rule -> assertThat(rule).containsEntry("GroupId", "sg-0cac4e00000000000")
                        .containsEntry("IpProtocol", "tcp").containsEntry("FromPort", 6379)
                        .containsEntry("ToPort", 6380));
    }

    @Test
    void alarms_by_default_a_dashboard_only_when_asked_and_no_monitoring_when_left_out() {
        template.resourceCountIs("AWS::CloudWatch::Alarm", 2);
        template.resourceCountIs("AWS::CloudWatch::Dashboard", 0);
        assertThat(migrator.getMonitoring().getDashboard()).isNull();
        bare.resourceCountIs("AWS::CloudWatch::Alarm", 0);
        bare.resourceCountIs("AWS::CloudWatch::Dashboard", 0);
    }

    @Test
    void the_log_groups_removal_policy_is_a_prop() {
        template.hasResource("AWS::Logs::LogGroup", Map.of("DeletionPolicy", "Retain", "UpdateReplacePolicy",
                "Retain"));
        bare.hasResource("AWS::Logs::LogGroup", Map.of("DeletionPolicy", "Delete"));
    }

    @Test
    void the_metric_helpers_name_the_functions_own_metrics() {
        Metric failed = migrator.metricMigrationFailed();
        assertThat(failed.getNamespace()).isEqualTo(MigratorMonitoring.NAMESPACE);
        assertThat(failed.getMetricName()).isEqualTo("MigrationFailed");
        assertThat(failed.getStatistic()).isEqualTo("Sum");
        assertThat(failed.getDimensions()).containsOnlyKeys("FunctionName");
        Metric duration = migrator.metricDuration(MetricOptions.builder().statistic("p99").build());
        assertThat(duration.getMetricName()).isEqualTo("MigrationDuration");
        assertThat(duration.getStatistic()).isEqualTo("p99");
        assertThat(duration.getPeriod().toMinutes()).isEqualTo(5);
    }

    @Test
    void cdk_nag_finds_nothing_unsuppressed() {
        assertThat(Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
        assertThat(Annotations.fromStack(stack).findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
    }

    /** The endpoint's security group (the other one is the function's). */
    private static String endpointGroupId() {
        return template.findResources("AWS::EC2::SecurityGroup").keySet().stream()
                .filter(id -> id.startsWith("SecretsManagerEndpoint")).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> statements(Template t) {
        List<Map<String, Object>> all = new ArrayList<>();
        for (Map<String, Object> policy : TemplateQueries.properties(t, "AWS::IAM::Policy")) {
            all.addAll((List<Map<String, Object>>) ((Map<String, Object>) policy.get("PolicyDocument"))
                    .get("Statement"));
        }
        return all;
    }
}
