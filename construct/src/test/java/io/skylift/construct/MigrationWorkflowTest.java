package io.skylift.construct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.rds.DatabaseCluster;
import software.amazon.awscdk.services.rds.DatabaseClusterAttributes;
import software.amazon.awscdk.services.rds.IDatabaseCluster;
import software.amazon.awscdk.services.secretsmanager.Secret;

/**
 * The workflow over three databases (a canary, one by Lambda, one always by Fargate) in an imported VPC: the task
 * definition, its network and grants, and the state machine's definition parsed from the synthesized template and
 * walked state by state; cfn-lint on the template.
 */
class MigrationWorkflowTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path outdir;

    private static Stack stack;
    private static MigrationWorkflow workflow;
    private static Template template;
    private static JsonNode definition;

    @BeforeAll
    static void synthesize() throws Exception {
        App app = App.Builder.create().outdir(outdir.toString()).build();
        stack = new Stack(app, "Tenants");
        Aspects.of(stack).add(new AwsSolutionsChecks(NagPackProps.builder().build()));
        IVpc vpc = Vpc.fromVpcAttributes(stack, "Vpc", VpcAttributes.builder()
                .vpcId("vpc-0123456789abcdef0")
                .availabilityZones(List.of("eu-west-1a", "eu-west-1b"))
                .isolatedSubnetIds(List.of("subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"))
                .build());
        List<MigrationTarget> targets = new ArrayList<>();
        for (String tenant : List.of("eu", "us", "apac")) {
            IDatabaseCluster cluster = DatabaseCluster.fromDatabaseClusterAttributes(stack, tenant + "Cluster",
                    DatabaseClusterAttributes.builder()
                            .clusterIdentifier(tenant)
                            .clusterEndpointAddress(tenant + ".cluster-abc.eu-west-1.rds.amazonaws.com")
                            .port(5432)
                            .securityGroups(List.of(SecurityGroup.fromSecurityGroupId(stack, tenant + "DbSg",
                                    databaseSecurityGroup(tenant))))
                            .build());
            SchemaMigratorProps.Builder props = SchemaMigratorProps.builder()
                    .vpc(vpc)
                    .vpcSubnets(SubnetSelection.builder().subnets(vpc.getIsolatedSubnets()).build())
                    .database(cluster)
                    .databaseSecret(Secret.fromSecretCompleteArn(stack, tenant + "Secret",
                            "arn:aws:secretsmanager:eu-west-1:111111111111:secret:" + tenant + "-db-AbCdEf"))
                    .migrationsDirectory(SchemaMigratorTest.MIGRATIONS.toString())
                    .deployId("2026-12-04T15:00:00Z")
                    // Shared by all, and one of each tenant's own.
                    .placeholders(Map.of("product", "skylift", "region", tenant));
            if (tenant.equals("us")) {
                props.planner(true).databaseName("app").schemas(List.of("billing", "audit"))
                        .placeholderSecrets(Map.of("app_password", PlaceholderSecret.fromSecret(
                                Secret.fromSecretCompleteArn(stack, "usAppSecret",
                                        "arn:aws:secretsmanager:eu-west-1:111111111111:secret:us-app-AbCdEf"),
                                "password")));
            }
            if (tenant.equals("apac")) {
                // Its migrations take longer than a Lambda function may run: only the workflow's task migrates it.
                props.migrateOn(MigrationTrigger.NEVER).deployId(null);
            }
            SchemaMigrator migrator = new SchemaMigrator(stack, tenant + "Migrator", props.build());
            MigrationTarget target = MigrationTarget.of(tenant, migrator);
            targets.add(switch (tenant) {
                case "eu" -> target.asCanary();
                case "apac" -> target.runBy(Runner.FARGATE);
                default -> target;
            });
        }
        workflow = new MigrationWorkflow(stack, "Workflow", MigrationWorkflowProps.builder()
                .targets(targets)
                .maxConcurrency(25)
                .toleratedFailurePercentage(10)
                .stateMachineName("tenants-migrations")
                .build());
        template = Template.fromStack(stack);
        app.synth();
        definition = definition(template);
    }

    private static String databaseSecurityGroup(String tenant) {
        return String.format("sg-%017x", tenant.hashCode() & 0xffffffffL);
    }

    /** The state machine's DefinitionString with every CloudFormation reference in it replaced by {@code TOKEN}. */
    @SuppressWarnings("unchecked")
    private static JsonNode definition(Template template) throws Exception {
        Map<String, Map<String, Object>> machines = template.findResources("AWS::StepFunctions::StateMachine");
        assertThat(machines).hasSize(1);
        Map<String, Object> properties = (Map<String, Object>) machines.values().iterator().next().get("Properties");
        Object body = properties.get("DefinitionString");
        StringBuilder text = new StringBuilder();
        if (body instanceof String plain) {
            text.append(plain);
        } else {
            List<Object> parts = (List<Object>) ((List<Object>) ((Map<String, Object>) body).get("Fn::Join")).get(1);
            parts.forEach(part -> text.append(part instanceof String s ? s : "TOKEN"));
        }
        return JSON.readTree(text.toString());
    }

    private static JsonNode state(String name) {
        JsonNode state = definition.at("/States/" + name);
        assertThat(state.isMissingNode()).as("state %s in %s", name, definition.get("States").fieldNames()).isFalse();
        return state;
    }

    @Test
    void the_canaries_run_first_with_no_failure_tolerated_and_the_others_only_after_them() {
        assertThat(definition.get("StartAt").asText()).isEqualTo("Defaults");
        assertThat(state("Defaults").get("Next").asText()).isEqualTo("Input");
        assertThat(state("Input").get("Next").asText()).isEqualTo("Canaries");
        JsonNode canaries = state("Canaries");
        assertThat(canaries.get("Type").asText()).isEqualTo("Map");
        assertThat(canaries.at("/ItemProcessor/ProcessorConfig/Mode").asText()).isEqualTo("DISTRIBUTED");
        assertThat(canaries.get("ItemsPath").asText()).isEqualTo("$.canaries");
        assertThat(canaries.path("ToleratedFailurePercentage").asInt(0)).as("none, or 0: no failure tolerated")
                .isZero();
        assertThat(canaries.has("ToleratedFailureCount")).isFalse();
        assertThat(canaries.get("Next").asText()).as("the others start only when the canaries' Map succeeded")
                .isEqualTo("Targets");
        assertThat(canaries.has("Catch")).as("a canary's failure fails the run").isFalse();
        JsonNode targets = state("Targets");
        assertThat(targets.at("/ItemProcessor/ProcessorConfig/Mode").asText()).isEqualTo("DISTRIBUTED");
        assertThat(targets.get("ItemsPath").asText()).isEqualTo("$.targets");
        assertThat(targets.get("MaxConcurrency").asInt()).isEqualTo(25);
        assertThat(targets.get("ToleratedFailurePercentage").asInt()).isEqualTo(10);
        assertThat(targets.get("End").asBoolean()).isTrue();
    }

    @Test
    void the_construct_lists_its_targets_as_defaults_the_input_may_replace() {
        JsonNode defaults = state("Defaults").get("Result");
        assertThat(defaults.get("command").asText()).isEqualTo("migrate");
        assertThat(defaults.get("runner").asText()).isEqualTo("LAMBDA");
        assertThat(defaults.get("canaries").findValuesAsText("name")).containsExactly("eu");
        assertThat(defaults.get("targets").findValuesAsText("name")).containsExactly("us", "apac");
        assertThat(defaults.at("/targets/1/runner").asText()).isEqualTo("FARGATE");
        assertThat(defaults.at("/targets/0/secret").asText()).endsWith("secret:us-db-AbCdEf");
        assertThat(state("Input").at("/Parameters/run.$").asText())
                .isEqualTo("States.JsonMerge($.defaults, $, false)");
    }

    @Test
    void each_target_runs_by_its_own_runner_else_the_inputs_and_lambda_by_default() {
        JsonNode processor = state("Targets").get("ItemProcessor");
        JsonNode runner = processor.at("/States/TargetRunner");
        assertThat(processor.get("StartAt").asText()).isEqualTo("TargetRunner");
        assertThat(runner.get("Type").asText()).isEqualTo("Choice");
        assertThat(runner.get("Choices").findValuesAsText("Next")).containsOnly("TargetEnvironment");
        assertThat(runner.get("Default").asText()).isEqualTo("TargetLambda");

        JsonNode lambda = processor.at("/States/TargetLambda");
        assertThat(lambda.get("Resource").asText()).endsWith(":states:::lambda:invoke");
        assertThat(lambda.at("/Parameters/FunctionName.$").asText()).isEqualTo("$.target.function");
        assertThat(lambda.at("/Parameters/Payload/command.$").asText()).isEqualTo("$.command");
        assertThat(lambda.get("Catch").findValuesAsText("Next")).containsExactly("TargetCountFailure");
    }

    @Test
    void the_fargate_path_waits_for_the_task_with_the_sync_integration_and_judges_its_exit_status() {
        JsonNode processor = state("Targets").get("ItemProcessor");
        JsonNode fargate = processor.at("/States/TargetFargate");
        assertThat(fargate.get("Resource").asText()).endsWith(":states:::ecs:runTask.sync");
        assertThat(fargate.at("/Parameters/LaunchType").asText()).isEqualTo("FARGATE");
        assertThat(fargate.at("/Parameters/NetworkConfiguration/AwsvpcConfiguration/Subnets").toString())
                .contains("subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2");
        JsonNode publicIp = fargate.at("/Parameters/NetworkConfiguration/AwsvpcConfiguration/AssignPublicIp");
        assertThat(publicIp.isMissingNode() ? "DISABLED" : publicIp.asText()).as("ECS's default: no public IP")
                .isEqualTo("DISABLED");
        JsonNode override = fargate.at("/Parameters/Overrides/ContainerOverrides/0");
        assertThat(override.get("Name").asText()).isEqualTo(MigrationWorkflow.CONTAINER_NAME);
        assertThat(override.get("Command.$").asText()).isEqualTo("$.taskCommand");
        assertThat(override.get("Environment.$").asText()).isEqualTo("$.taskEnvironment.variables");
        assertThat(state("Targets").at("/ItemSelector/taskCommand.$").asText())
                .isEqualTo("States.Array('task', $.command)");

        JsonNode exit = processor.at("/States/" + fargate.get("Next").asText());
        assertThat(exit.get("Type").asText()).isEqualTo("Choice");
        assertThat(exit.at("/Choices/0/Variable").asText()).isEqualTo("$.result.exitCode");
        assertThat(exit.at("/Choices/0/NumericEquals").asInt()).isZero();
        assertThat(processor.at("/States/" + exit.at("/Choices/0/Next").asText() + "/Type").asText())
                .isEqualTo("Succeed");
        JsonNode nonZero = processor.at("/States/" + exit.get("Default").asText());
        assertThat(nonZero.get("Next").asText()).isEqualTo("TargetCountFailure");
        JsonNode count = processor.at("/States/TargetCountFailure");
        assertThat(count.get("Resource").asText()).endsWith(":states:::aws-sdk:cloudwatch:putMetricData");
        assertThat(count.at("/Parameters/MetricData/0/MetricName").asText()).isEqualTo("FailedTargets");
        assertThat(processor.at("/States/" + count.get("Next").asText() + "/Type").asText()).isEqualTo("Fail");
    }

    @Test
    void each_task_runs_with_its_own_targets_environment_or_with_the_secret_an_input_item_names() {
        JsonNode processor = state("Targets").get("ItemProcessor");
        JsonNode environment = processor.at("/States/TargetEnvironment");
        assertThat(environment.at("/Choices/0/Variable").asText()).isEqualTo("$.target.environment");
        assertThat(environment.at("/Choices/0/IsPresent").asBoolean()).isTrue();
        JsonNode own = processor.at("/States/" + environment.at("/Choices/0/Next").asText());
        assertThat(own.at("/Parameters/variables.$").asText()).isEqualTo("$.target.environment");
        assertThat(own.get("ResultPath").asText()).isEqualTo("$.taskEnvironment");
        assertThat(own.get("Next").asText()).isEqualTo("TargetFargate");
        JsonNode secretOnly = processor.at("/States/" + environment.get("Default").asText());
        assertThat(secretOnly.at("/Parameters/variables/0/Name").asText()).isEqualTo("DB_SECRET_ARN");
        assertThat(secretOnly.at("/Parameters/variables/0/Value.$").asText()).isEqualTo("$.target.secret");
        assertThat(secretOnly.get("ResultPath").asText()).isEqualTo("$.taskEnvironment");
        assertThat(secretOnly.get("Next").asText()).isEqualTo("TargetFargate");
    }

    @Test
    void each_construct_target_carries_its_migrators_placeholders_schemas_and_planner_secret() {
        JsonNode defaults = state("Defaults").get("Result");
        Map<String, String> eu = variables(defaults.at("/canaries/0/environment"));
        Map<String, String> us = variables(defaults.at("/targets/0/environment"));
        Map<String, String> apac = variables(defaults.at("/targets/1/environment"));
        assertThat(eu).containsEntry("FLYWAY_PLACEHOLDERS_REGION", "eu")
                .containsEntry("FLYWAY_PLACEHOLDERS_PRODUCT", "skylift")
                .containsEntry("DB_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:111111111111:secret:eu-db-AbCdEf")
                .as("an RDS-managed secret holds no endpoint: each target's task gets its own cluster's")
                .containsEntry("DB_HOST", "eu.cluster-abc.eu-west-1.rds.amazonaws.com")
                .containsEntry("DB_PORT", "5432")
                .doesNotContainKeys("FLYWAY_SCHEMAS", "PLACEHOLDER_SECRET_APP_PASSWORD", "PLANNER_SECRET_ARN");
        assertThat(apac).containsEntry("FLYWAY_PLACEHOLDERS_REGION", "apac");
        assertThat(us).containsEntry("FLYWAY_PLACEHOLDERS_REGION", "us")
                .containsEntry("FLYWAY_SCHEMAS", "billing,audit")
                .containsEntry("DB_NAME", "app")
                .containsEntry("DB_HOST", "us.cluster-abc.eu-west-1.rds.amazonaws.com")
                .containsEntry("PLACEHOLDER_SECRET_APP_PASSWORD",
                        "arn:aws:secretsmanager:eu-west-1:111111111111:secret:us-app-AbCdEf#password")
                .as("a migrate by the task keeps the planner's role as the function's does")
                .containsEntry("PLANNER_SECRET_ARN", "TOKEN")
                .doesNotContainKey(SchemaMigrator.SKYLIFT_DEPLOY_ID);
        assertThat(List.copyOf(us.keySet())).as("sorted: one synthesis, one template").isSorted();
    }

    @Test
    void the_task_definition_holds_only_what_every_target_shares() {
        // Not DB_PORT either, though every target's is 5432: an input item naming only its secret must reach that
        // secret's database, not an endpoint of the construct's targets.
        template.hasResourceProperties("AWS::ECS::TaskDefinition", Map.of(
                "ContainerDefinitions", List.of(Match.objectLike(Map.of(
                        "Environment", List.of(Map.of("Name", "FLYWAY_PLACEHOLDERS_PRODUCT", "Value", "skylift")))))));
    }

    @Test
    void the_task_role_reads_the_placeholder_and_planner_secrets_of_its_targets() {
        String taskPolicy = template.findResources("AWS::IAM::Policy", Map.of("Properties", Map.of("Roles",
                List.of(Map.of("Ref", Match.stringLikeRegexp("WorkflowTaskTaskRole.*")))))).toString();
        assertThat(taskPolicy).contains("secret:us-app-AbCdEf", "usMigratorPlannerSecret");
    }

    private static Map<String, String> variables(JsonNode list) {
        assertThat(list.isArray()).as("environment %s", list).isTrue();
        Map<String, String> variables = new java.util.LinkedHashMap<>();
        list.forEach(variable -> variables.put(variable.get("Name").asText(), variable.get("Value").asText()));
        return variables;
    }

    @Test
    void the_task_definition_runs_the_image_in_task_mode_with_the_functions_settings() {
        template.hasResourceProperties("AWS::ECS::TaskDefinition", Map.of(
                "RequiresCompatibilities", List.of("FARGATE"),
                "NetworkMode", "awsvpc",
                "Cpu", "1024",
                "Memory", "2048",
                "RuntimePlatform", Map.of("CpuArchitecture", "ARM64", "OperatingSystemFamily", "LINUX"),
                "ContainerDefinitions", List.of(Match.objectLike(Map.of(
                        "Name", "migrator",
                        "Command", List.of("task", "migrate"),
                        "StopTimeout", 30,
                        "LogConfiguration", Match.objectLike(Map.of("LogDriver", "awslogs")))))));
        assertThat(template.findResources("AWS::ECS::TaskDefinition").values().iterator().next().toString())
                .as("the entry point stays the image's bootstrap").doesNotContain("EntryPoint");
    }

    @Test
    void the_task_leaves_out_the_deploy_id_which_only_tells_a_cloudformation_rollback() {
        String task = template.findResources("AWS::ECS::TaskDefinition").values().iterator().next().toString();
        assertThat(template.findResources("AWS::Lambda::Function").values().toString())
                .as("the migrators carry it").contains(SchemaMigrator.SKYLIFT_DEPLOY_ID);
        assertThat(task).doesNotContain(SchemaMigrator.SKYLIFT_DEPLOY_ID);
        assertThat(state("Defaults").toString()).doesNotContain(SchemaMigrator.SKYLIFT_DEPLOY_ID);
    }

    @Test
    void the_task_has_its_own_security_group_admitted_to_each_database_on_5432() {
        template.resourceCountIs("AWS::EC2::SecurityGroup", 4);
        for (String tenant : List.of("eu", "us", "apac")) {
            template.hasResourceProperties("AWS::EC2::SecurityGroupIngress", Map.of(
                    "GroupId", databaseSecurityGroup(tenant),
                    "SourceSecurityGroupId", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp(
                            "WorkflowTaskSecurityGroup.*"), "GroupId")),
                    "FromPort", 5432, "ToPort", 5432, "IpProtocol", "tcp"));
        }
    }

    @Test
    void the_task_role_reads_each_targets_secret_and_the_workflow_may_invoke_each_function() {
        String policies = template.findResources("AWS::IAM::Policy").toString();
        for (String tenant : List.of("eu", "us", "apac")) {
            assertThat(policies).contains("secret:" + tenant + "-db-AbCdEf");
        }
        template.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Statement",
                Match.arrayWith(List.of(Match.objectLike(Map.of("Action", "lambda:InvokeFunction")))))));
        template.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Statement",
                Match.arrayWith(List.of(Match.objectLike(Map.of("Action", "ecs:RunTask")))))));
    }

    @Test
    void the_workflow_exposes_its_arn_and_a_failed_targets_metric() {
        assertThat(stack.resolve(workflow.getStateMachineArn())).isEqualTo(Map.of("Ref",
                stack.getLogicalId((software.amazon.awscdk.CfnElement) workflow.getStateMachine().getNode()
                        .getDefaultChild())));
        assertThat(workflow.metricFailedTargets().getNamespace()).isEqualTo("Skylift");
        assertThat(workflow.metricFailedTargets().getMetricName()).isEqualTo("FailedTargets");
        assertThat(workflow.metricFailedTargets().getDimensions()).containsEntry("Workflow", "Tenants/Workflow");
        assertThat(definition.toString()).contains("\"Value\":\"Tenants/Workflow\"");
    }

    @Test
    void a_migrator_that_never_migrates_on_deploy_has_no_custom_resource() {
        SchemaMigrator apac = (SchemaMigrator) stack.getNode().findChild("apacMigrator");
        template.resourceCountIs(SchemaMigration.RESOURCE_TYPE, 2);
        assertThat(apac.getMigration()).isNull();
        assertThatThrownBy(apac::getSchemaVersion).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("migrateOn NEVER");
        assertThatThrownBy(() -> SchemaMigratorProps.builder().vpc(apac.props().getVpc())
                .database(apac.props().getDatabase()).databaseSecret(apac.props().getDatabaseSecret())
                .migrationsDirectory(apac.props().getMigrationsDirectory()).migrateOn(MigrationTrigger.NEVER)
                .deployId("2026-12-04T15:00:00Z").build())
                .hasMessageContaining("deployId is not used with migrateOn NEVER");
    }

    @Test
    void the_state_machine_takes_the_name_it_is_given_and_refuses_one_step_functions_would_not() {
        template.hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of(
                "StateMachineName", "tenants-migrations"));
        assertThatThrownBy(() -> MigrationWorkflowProps.builder().targets(workflowTargets())
                .stateMachineName("tenants migrations").build())
                .hasMessageContaining("stateMachineName").hasMessageContaining("'tenants migrations'");
    }

    @Test
    void cdk_nag_finds_nothing_unjustified() {
        assertThat(Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*")).stream()
                .map(m -> m.getId() + ": " + m.getEntry().getData()).toList()).as("cdk-nag errors").isEmpty();
    }

    @Test
    void cfn_lint_accepts_the_template_and_its_state_machine_definition() throws Exception {
        Path synthesized = outdir.resolve("Tenants.template.json");
        // W3005: the migrators' custom resources name the function in DependsOn as well as in ServiceToken, on purpose
        // (SchemaMigrator: the custom resource depends on everything the migration needs, listed in one place).
        Process lint = new ProcessBuilder("cfn-lint", "--regions", "eu-west-1", "--ignore-checks", "W3005", "--",
                synthesized.toString())
                .redirectErrorStream(true).start();
        String output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(lint.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(lint.exitValue()).as(output).isZero();
    }

    @Test
    void targets_that_cannot_share_one_task_image_are_refused_by_name() {
        assertThatThrownBy(() -> MigrationWorkflowProps.builder().targets(List.of()).build())
                .hasMessageContaining("targets");
        assertThatThrownBy(() -> MigrationWorkflowProps.builder()
                .targets(workflowTargets().subList(0, 1)).maxConcurrency(0).build())
                .hasMessageContaining("maxConcurrency").hasMessageContaining("0");
        assertThatThrownBy(() -> MigrationWorkflowProps.builder()
                .targets(List.of(workflowTargets().get(0), workflowTargets().get(0))).build())
                .hasMessageContaining("distinct names");
        assertThatThrownBy(() -> MigrationTarget.of("eu west", workflowTargets().get(0).migrator()))
                .hasMessageContaining("'eu west'");
    }

    private static List<MigrationTarget> workflowTargets() {
        List<MigrationTarget> targets = new ArrayList<>();
        for (String tenant : List.of("eu", "us")) {
            targets.add(MigrationTarget.of(tenant, (SchemaMigrator) stack.getNode().findChild(tenant + "Migrator")));
        }
        return targets;
    }
}
