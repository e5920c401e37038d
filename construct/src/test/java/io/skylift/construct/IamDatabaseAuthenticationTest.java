package io.skylift.construct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.rds.AuroraPostgresEngineVersion;
import software.amazon.awscdk.services.rds.ClusterInstance;
import software.amazon.awscdk.services.rds.DatabaseCluster;
import software.amazon.awscdk.services.rds.DatabaseClusterAttributes;
import software.amazon.awscdk.services.rds.DatabaseClusterEngine;
import software.amazon.awscdk.services.rds.IDatabaseCluster;
import software.amazon.awscdk.services.rds.AuroraPostgresClusterEngineProps;
import software.amazon.awscdk.services.secretsmanager.Secret;

/**
 * {@code iamAuthentication}: the migrator's function gets the role and the endpoint it signs tokens for, may
 * {@code rds-db:connect} as that role on that cluster only, and a cluster of the same app gets IAM authentication on.
 */
class IamDatabaseAuthenticationTest {
    private static final String DB_SECRET = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders-db-AbCdEf";

    private static final SubnetSelection ISOLATED =
            SubnetSelection.builder().subnetType(SubnetType.PRIVATE_ISOLATED).build();

    private static Template template;

    @BeforeAll
    static void synthesize() {
        Stack stack = new Stack(new App(), "Orders");
        DatabaseCluster cluster = DatabaseCluster.Builder.create(stack, "Cluster")
                .engine(DatabaseClusterEngine.auroraPostgres(AuroraPostgresClusterEngineProps.builder()
                        .version(AuroraPostgresEngineVersion.VER_16_13).build()))
                .vpc(vpc(stack))
                .vpcSubnets(ISOLATED)
                .writer(ClusterInstance.serverlessV2("Writer"))
                .defaultDatabaseName("orders")
                .build();
        new SchemaMigrator(stack, "Migrator", SchemaMigratorProps.builder()
                .vpc(cluster.getVpc())
                .vpcSubnets(ISOLATED)
                .database(cluster)
                .databaseSecret(cluster.getSecret())
                .databaseName("orders")
                .migrationsDirectory(SchemaMigratorTest.MIGRATIONS.toString())
                .iamAuthentication(IamDatabaseAuthentication.of(cluster, "skylift_migrator"))
                .deployId("2026-11-28T09:15:00Z")
                .build());
        template = Template.fromStack(stack);
    }

    @Test
    void the_function_gets_the_role_and_the_clusters_endpoint_and_still_the_master_secret_to_create_the_role() {
        String cluster = TemplateQueries.id(template, "AWS::RDS::DBCluster");
        @SuppressWarnings("unchecked")
        Map<String, Object> variables = (Map<String, Object>) ((Map<String, Object>) TemplateQueries
                .properties(template, "AWS::Lambda::Function").getFirst().get("Environment")).get("Variables");

        assertThat(variables).containsEntry("DB_IAM_USER", "skylift_migrator")
                .containsEntry("DB_HOST", Map.of("Fn::GetAtt", List.of(cluster, "Endpoint.Address")))
                .containsEntry("DB_PORT", "5432")
                .containsEntry("DB_NAME", "orders")
                .containsKey("DB_SECRET_ARN");
    }

    @Test
    void the_function_may_connect_as_the_role_on_this_cluster_only() {
        String cluster = TemplateQueries.id(template, "AWS::RDS::DBCluster");
        List<Object> connects = TemplateQueries.properties(template, "AWS::IAM::Policy").stream()
                .flatMap(p -> ((List<?>) ((Map<?, ?>) p.get("PolicyDocument")).get("Statement")).stream())
                .map(statement -> (Map<?, ?>) statement)
                .filter(statement -> "rds-db:connect".equals(statement.get("Action")))
                .map(statement -> statement.get("Resource")).map(Object.class::cast).toList();

        assertThat(connects).containsExactly(Map.of("Fn::Join", List.of("", List.of("arn:",
                Map.of("Ref", "AWS::Partition"), ":rds-db:", Map.of("Ref", "AWS::Region"), ":",
                Map.of("Ref", "AWS::AccountId"), ":dbuser:", Map.of("Fn::GetAtt", List.of(cluster, "DBClusterResourceId")),
                "/skylift_migrator"))));
    }

    @Test
    void a_cluster_of_the_same_app_gets_iam_database_authentication_turned_on() {
        assertThat(TemplateQueries.properties(template, "AWS::RDS::DBCluster").getFirst())
                .containsEntry("EnableIAMDatabaseAuthentication", true);
    }

    @Test
    void a_cluster_with_iam_authentication_turned_off_is_refused_naming_the_prop() {
        Stack stack = new Stack(new App(), "Off");
        DatabaseCluster cluster = DatabaseCluster.Builder.create(stack, "Cluster")
                .engine(DatabaseClusterEngine.auroraPostgres(AuroraPostgresClusterEngineProps.builder()
                        .version(AuroraPostgresEngineVersion.VER_16_13).build()))
                .vpc(vpc(stack))
                .vpcSubnets(ISOLATED)
                .writer(ClusterInstance.serverlessV2("Writer"))
                .iamAuthentication(false)
                .build();

        assertThatThrownBy(() -> migrator(stack, cluster)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has iamAuthentication(false)");
    }

    @Test
    void an_imported_cluster_without_its_resource_identifier_is_refused_with_how_to_import_it() {
        Stack stack = new Stack(new App(), "Imported");
        IDatabaseCluster cluster = DatabaseCluster.fromDatabaseClusterAttributes(stack, "Cluster",
                DatabaseClusterAttributes.builder().clusterIdentifier("orders")
                        .clusterEndpointAddress("orders.cluster-abc.eu-west-1.rds.amazonaws.com").port(5432)
                        .securityGroups(List.of(SecurityGroup.fromSecurityGroupId(stack, "DbSg", "sg-0db0000000000000a")))
                        .build());

        assertThatThrownBy(() -> migrator(stack, cluster)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("imported without its resource identifier")
                .hasMessageContaining("clusterResourceIdentifier");
    }

    @Test
    void an_imported_cluster_with_its_resource_identifier_is_granted_by_that_identifier() {
        Stack stack = new Stack(new App(), "ImportedWithId");
        IDatabaseCluster cluster = DatabaseCluster.fromDatabaseClusterAttributes(stack, "Cluster",
                DatabaseClusterAttributes.builder().clusterIdentifier("orders")
                        .clusterResourceIdentifier("cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                        .clusterEndpointAddress("orders.cluster-abc.eu-west-1.rds.amazonaws.com").port(5432)
                        .securityGroups(List.of(SecurityGroup.fromSecurityGroupId(stack, "DbSg", "sg-0db0000000000000a")))
                        .build());
        migrator(stack, cluster);

        assertThat(Template.fromStack(stack).toJSON().toString())
                .contains(":dbuser:cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ/skylift_migrator")
                .contains("orders.cluster-abc.eu-west-1.rds.amazonaws.com");
    }

    @Test
    void a_role_name_that_is_not_plain_lower_case_or_is_reserved_is_refused() {
        Stack stack = new Stack(new App(), "Names");
        IDatabaseCluster cluster = DatabaseCluster.fromDatabaseClusterAttributes(stack, "Cluster",
                DatabaseClusterAttributes.builder().clusterIdentifier("orders").build());
        for (String name : List.of("Migrator", "skylift-migrator", "x\"; DROP ROLE y", "rds_iam", "pg_signal")) {
            assertThatThrownBy(() -> IamDatabaseAuthentication.of(cluster, name)).as(name)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("migrationRole must be a lower-case PostgreSQL name");
        }
    }

    @Test
    void iam_authentication_needs_the_database_name_and_refuses_the_planner() {
        Stack stack = new Stack(new App(), "Props");
        IDatabaseCluster cluster = DatabaseCluster.fromDatabaseClusterAttributes(stack, "Cluster",
                DatabaseClusterAttributes.builder().clusterIdentifier("orders").build());
        SchemaMigratorProps.Builder props = SchemaMigratorProps.builder()
                .vpc(vpc(stack))
                .database(cluster)
                .databaseSecret(Secret.fromSecretCompleteArn(stack, "DbSecret", DB_SECRET))
                .migrationsDirectory(SchemaMigratorTest.MIGRATIONS.toString())
                .iamAuthentication(IamDatabaseAuthentication.of(cluster, "skylift_migrator"));

        assertThatThrownBy(props::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("iamAuthentication needs databaseName");
        assertThatThrownBy(props.databaseName("orders").planner(true)::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("iamAuthentication and planner cannot be combined");
    }

    private static SchemaMigrator migrator(Stack stack, IDatabaseCluster cluster) {
        return new SchemaMigrator(stack, "Migrator", SchemaMigratorProps.builder()
                .vpc(stack.getNode().tryFindChild("Vpc") instanceof IVpc existing ? existing : vpc(stack))
                .vpcSubnets(ISOLATED)
                .database(cluster)
                .databaseSecret(Secret.fromSecretCompleteArn(stack, "DbSecret", DB_SECRET))
                .databaseName("orders")
                .migrationsDirectory(SchemaMigratorTest.MIGRATIONS.toString())
                .iamAuthentication(IamDatabaseAuthentication.of(cluster, "skylift_migrator"))
                .deployId("2026-11-28T09:15:00Z")
                .build());
    }

    private static IVpc vpc(Stack stack) {
        return Vpc.fromVpcAttributes(stack, "Vpc", VpcAttributes.builder()
                .vpcId("vpc-0123456789abcdef0")
                .availabilityZones(List.of("eu-west-1a", "eu-west-1b"))
                .isolatedSubnetIds(List.of("subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"))
                .build());
    }
}
