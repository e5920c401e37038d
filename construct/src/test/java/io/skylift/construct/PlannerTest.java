package io.skylift.construct;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.iam.AccountRootPrincipal;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.rds.DatabaseCluster;
import software.amazon.awscdk.services.rds.DatabaseClusterAttributes;
import software.amazon.awscdk.services.secretsmanager.Secret;

/**
 * The construct with its planner: a second function from the same image that can only plan, lint and read, with a
 * secret of its own and never the database secret or a placeholder secret; the migrator keeps its role and carries
 * the custom resource's DeployId; the custom resource comes last in its stack.
 */
class PlannerTest {

    private static final String DB_SECRET = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders-db-AbCdEf";
    private static final String CURRENCY_SECRET =
            "arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders-currency-GhIjKl";

    private static Stack stack;
    private static Template template;

    @BeforeAll
    static void synthesize() {
        stack = new Stack(new App(), "Orders");
        Aspects.of(stack).add(new AwsSolutionsChecks(NagPackProps.builder().build()));
        IVpc vpc = Vpc.fromVpcAttributes(stack, "Vpc", VpcAttributes.builder()
                .vpcId("vpc-0123456789abcdef0")
                .availabilityZones(List.of("eu-west-1a", "eu-west-1b"))
                .isolatedSubnetIds(List.of("subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"))
                .build());
        SchemaMigrator migrator = new SchemaMigrator(stack, "Migrator", SchemaMigratorProps.builder()
                .vpc(vpc)
                .database(DatabaseCluster.fromDatabaseClusterAttributes(stack, "Cluster",
                        DatabaseClusterAttributes.builder()
                                .clusterIdentifier("orders")
                                .securityGroups(List.of(SecurityGroup.fromSecurityGroupId(stack, "DbSg", "sg-0db0000000000000a")))
                                .build()))
                .databaseSecret(Secret.fromSecretCompleteArn(stack, "DbSecret", DB_SECRET))
                .migrationsDirectory(SchemaMigratorTest.MIGRATIONS.toString())
                .placeholders(Map.of("region_name", "Europe"))
                .placeholderSecrets(Map.of("currency", PlaceholderSecret.fromSecret(
                        Secret.fromSecretCompleteArn(stack, "CurrencySecret", CURRENCY_SECRET), "code")))
                .planner(true)
                .databaseName("orders")
                .plannerFunctionName("orders-planner")
                .functionName("orders-migrator")
                .build());
        // Two pipeline steps' roles: one may plan, the other migrate.
        migrator.grantInvokePlanner(Role.Builder.create(stack, "PlanStepRole")
                .assumedBy(new AccountRootPrincipal()).build());
        migrator.grantInvoke(Role.Builder.create(stack, "MigrateStepRole")
                .assumedBy(new AccountRootPrincipal()).build());
        template = Template.fromStack(stack);
    }

    @Test
    void the_planner_runs_the_same_image_with_only_the_read_commands_and_its_own_secret() {
        Map<String, Object> planner = function("orders-planner");
        Map<String, Object> migrator = function("orders-migrator");
        assertThat(planner.get("Code")).as("the same image").isEqualTo(migrator.get("Code"));
        assertThat(planner.get("VpcConfig")).isEqualTo(migrator.get("VpcConfig"));
        assertThat(variables(planner)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "DB_SECRET_ARN", Map.of("Ref", id("AWS::SecretsManager::SecretTargetAttachment")),
                "SKYLIFT_COMMANDS", "plan,lint,info,validate,drift",
                "FLYWAY_PLACEHOLDERS_REGION_NAME", "Europe"));
    }

    @Test
    void the_planner_may_read_its_own_secret_and_no_other() {
        List<Object> readable = secretResources(roleOf(function("orders-planner")));
        assertThat(readable).containsExactly(Map.of("Ref", id("AWS::SecretsManager::SecretTargetAttachment")));
        assertThat(template.toJSON().toString()).contains(DB_SECRET);
        assertThat(readable.toString()).doesNotContain(DB_SECRET, CURRENCY_SECRET);
    }

    @Test
    void the_migrator_keeps_the_planners_role_and_carries_the_deploy_id_of_its_custom_resource() {
        Map<String, Object> migrator = function("orders-migrator");
        Map<String, Object> variables = variables(migrator);
        assertThat(variables).containsEntry("PLANNER_SECRET_ARN",
                Map.of("Ref", id("AWS::SecretsManager::SecretTargetAttachment")));
        assertThat(secretResources(roleOf(migrator))).contains(
                Map.of("Ref", id("AWS::SecretsManager::SecretTargetAttachment")), DB_SECRET, CURRENCY_SECRET);
        // No deployId given: the synth time, one value for both.
        Object deployId = properties("Custom::SkyliftSchemaMigration").get(0).get("DeployId");
        assertThat(deployId).isInstanceOf(String.class);
        assertThat(variables).containsEntry("SKYLIFT_DEPLOY_ID", deployId);
    }

    @Test
    void the_planners_secret_names_its_role_and_database_and_is_attached_to_the_cluster() {
        template.hasResourceProperties("AWS::SecretsManager::Secret", Map.of("GenerateSecretString", Match.objectLike(
                Map.of("SecretStringTemplate", "{\"username\":\"skylift_planner\",\"dbname\":\"orders\"}",
                        "GenerateStringKey", "password"))));
        template.hasResourceProperties("AWS::SecretsManager::SecretTargetAttachment", Map.of(
                "TargetId", "orders", "TargetType", "AWS::RDS::DBCluster"));
    }

    @Test
    void the_plan_steps_role_may_invoke_only_the_planner_and_the_migrate_steps_only_the_migrator() {
        assertThat(invocable("PlanStepRole")).containsExactly(List.of(arnOf("orders-planner"),
                Map.of("Fn::Join", List.of("", List.of(arnOf("orders-planner"), ":*")))));
        assertThat(invocable("MigrateStepRole")).containsExactly(List.of(arnOf("orders-migrator"),
                Map.of("Fn::Join", List.of("", List.of(arnOf("orders-migrator"), ":*")))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_custom_resource_depends_on_every_other_resource_of_its_stack() {
        Map<String, Map<String, Object>> resources = template.toJSON().get("Resources") instanceof Map<?, ?> all
                ? (Map<String, Map<String, Object>>) all : Map.of();
        String migration = id("Custom::SkyliftSchemaMigration");
        List<String> others = resources.keySet().stream().filter(id -> !id.equals(migration)).toList();
        assertThat(others).hasSizeGreaterThan(15);
        assertThat((List<String>) resources.get(migration).get("DependsOn"))
                .containsAll(others.stream().filter(id -> !"AWS::CDK::Metadata".equals(resources.get(id).get("Type")))
                        .toList());
    }

    @Test
    void cdk_nag_finds_nothing_unsuppressed_in_the_construct() {
        // The test's own step roles are left out: CDK's grantInvoke names the function's versions too (ARN:*).
        List<String> findings = new ArrayList<>();
        for (var message : Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))) {
            findings.add(message.getId() + " " + message.getEntry().getData());
        }
        for (var message : Annotations.fromStack(stack).findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))) {
            findings.add(message.getId() + " " + message.getEntry().getData());
        }
        assertThat(findings).filteredOn(finding -> finding.startsWith("/Orders/Migrator/")).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> function(String name) {
        return properties("AWS::Lambda::Function").stream()
                .filter(p -> name.equals(p.get("FunctionName"))).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> variables(Map<String, Object> function) {
        return (Map<String, Object>) ((Map<String, Object>) function.get("Environment")).get("Variables");
    }

    @SuppressWarnings("unchecked")
    private static String roleOf(Map<String, Object> function) {
        return (String) ((List<Object>) ((Map<String, Object>) function.get("Role")).get("Fn::GetAtt")).get(0);
    }

    /** The secrets a role's policies allow reading. */
    @SuppressWarnings("unchecked")
    private static List<Object> secretResources(String roleId) {
        List<Object> resources = new ArrayList<>();
        for (Map<String, Object> statement : statementsOf(roleId)) {
            if (String.valueOf(statement.get("Action")).contains("secretsmanager:")) {
                Object resource = statement.get("Resource");
                resources.addAll(resource instanceof List<?> list ? (List<Object>) list : List.of(resource));
            }
        }
        return resources;
    }

    /** What a role's policies allow invoking: one entry per statement naming lambda:InvokeFunction. */
    private static List<Object> invocable(String rolePrefix) {
        String roleId = template.findResources("AWS::IAM::Role").keySet().stream()
                .filter(id -> id.startsWith(rolePrefix)).findFirst().orElseThrow();
        List<Object> resources = new ArrayList<>();
        for (Map<String, Object> statement : statementsOf(roleId)) {
            if (String.valueOf(statement.get("Action")).contains("lambda:")) {
                resources.add(statement.get("Resource"));
            }
        }
        return resources;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statementsOf(String roleId) {
        List<Map<String, Object>> all = new ArrayList<>();
        for (Map<String, Object> policy : properties("AWS::IAM::Policy")) {
            if (((List<Object>) policy.get("Roles")).contains(Map.of("Ref", roleId))) {
                all.addAll((List<Map<String, Object>>) ((Map<String, Object>) policy.get("PolicyDocument"))
                        .get("Statement"));
            }
        }
        return all;
    }

    private static Map<String, Object> arnOf(String functionName) {
        String id = template.findResources("AWS::Lambda::Function", Map.of("Properties", Map.of("FunctionName",
                functionName))).keySet().iterator().next();
        return Map.of("Fn::GetAtt", List.of(id, "Arn"));
    }

    private static String id(String type) {
        return TemplateQueries.id(template, type);
    }

    private static List<Map<String, Object>> properties(String type) {
        return TemplateQueries.properties(template, type);
    }
}
