package io.skylift.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skylift.infra.pipeline.MigrateStep;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The per-stage migration workflow ({@code devWorkflow=fargate}, {@code prodWorkflow=lambda}): the Fargate stage's
 * endpoints and no deploy-time migration, the Lambda stage's custom resource kept, each workflow's definition walked,
 * the post-deploy steps that start them, cdk-nag and cfn-lint on the templates.
 */
class WorkflowStagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path outdir;

    private static TestApps.Synthesized app;
    private static Template devData;
    private static Template devMigrator;
    private static Template prodData;
    private static Template prodMigrator;
    private static Template pipeline;

    @BeforeAll
    static void synthesize() {
        app = TestApps.synth(outdir, Map.of("devWorkflow", "fargate", "prodWorkflow", "lambda"));
        devData = Template.fromStack(app.data("dev"));
        devMigrator = Template.fromStack(app.migrator("dev"));
        prodData = Template.fromStack(app.data("prod"));
        prodMigrator = Template.fromStack(app.migrator("prod"));
        pipeline = Template.fromStack(app.pipeline());
    }

    @Test
    void a_fargate_stage_gets_the_endpoints_its_task_pulls_and_logs_through_and_a_lambda_stage_does_not() {
        devData.hasResourceProperties("AWS::EC2::VPCEndpoint", Map.of("VpcEndpointType", "Interface",
                "PrivateDnsEnabled", true));
        assertThat(endpointServices(devData).toString()).contains(".ecr.api", ".ecr.dkr", ".logs");
        assertThat(endpointServices(prodData).toString()).doesNotContain(".ecr.api", ".ecr.dkr", ".logs");
        assertThat(endpointServices(devData)).hasSize(5);
        assertThat(endpointServices(prodData)).as("S3 and Secrets Manager, as without a workflow").hasSize(2);
    }

    @Test
    void a_fargate_stages_s3_endpoint_lets_the_task_read_ecrs_image_layers_and_a_lambda_stages_does_not() {
        // ECR serves image layers from S3: with the S3 endpoint's policy limited to CloudFormation's responses, a task
        // in the isolated subnets could not pull its image (CannotPullContainerError).
        assertThat(s3EndpointPolicy(devData)).contains("s3:GetObject", "starport-layer-bucket/*");
        assertThat(s3EndpointPolicy(prodData)).doesNotContain("s3:GetObject", "starport-layer-bucket");
    }

    private static String s3EndpointPolicy(Template template) {
        return template.findResources("AWS::EC2::VPCEndpoint", Map.of("Properties", Map.of("VpcEndpointType",
                "Gateway"))).values().toString();
    }

    private static List<String> endpointServices(Template template) {
        return template.findResources("AWS::EC2::VPCEndpoint").values().stream()
                .map(resource -> String.valueOf(((Map<?, ?>) resource.get("Properties")).get("ServiceName")))
                .toList();
    }

    @Test
    void the_fargate_task_is_admitted_to_each_endpoint_on_443_from_the_migrator_stack() {
        Map<String, Map<String, Object>> rules = devMigrator.findResources("AWS::EC2::SecurityGroupIngress",
                Map.of("Properties", Map.of("FromPort", 443, "Description", "HTTPS from the Skylift migration task")));
        assertThat(rules).as("Secrets Manager, ECR API, ECR Docker, CloudWatch Logs").hasSize(4);
        assertThat(rules.values().toString()).contains("WorkflowTaskSecurityGroup");
    }

    @Test
    void a_fargate_stage_does_not_migrate_during_the_deploy_and_a_lambda_stage_still_does() {
        devMigrator.resourceCountIs("Custom::SkyliftSchemaMigration", 0);
        assertThat(devMigrator.findOutputs("SchemaVersion")).isEmpty();
        prodMigrator.resourceCountIs("Custom::SkyliftSchemaMigration", 1);
        assertThat(prodMigrator.findOutputs("SchemaVersion")).hasSize(1);
        devMigrator.hasOutput(MigratorStack.OUTPUT_WORKFLOW_ARN, Match.objectLike(Map.of("Value",
                Match.objectLike(Map.of("Ref", Match.stringLikeRegexp("WorkflowStateMachine.*"))))));
    }

    @Test
    void each_stage_workflow_runs_its_one_database_by_the_stages_runner_with_the_migrators_environment()
            throws Exception {
        devMigrator.hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of(
                "StateMachineName", "skylift-dev-migrations"));
        JsonNode dev = defaults(devMigrator);
        assertThat(dev.at("/targets/0/name").asText()).isEqualTo("dev");
        assertThat(dev.at("/targets/0/runner").asText()).isEqualTo("FARGATE");
        List<String> names = dev.at("/targets/0/environment").findValuesAsText("Name");
        assertThat(names).as("the planner's role is kept after a Fargate migrate; the app password placeholder")
                .contains("DB_SECRET_ARN", "PLANNER_SECRET_ARN", "PLACEHOLDER_SECRET_APP_PASSWORD");
        assertThat(dev.get("canaries")).isEmpty();
        assertThat(defaults(prodMigrator).at("/targets/0/runner").asText()).isEqualTo("LAMBDA");
        prodMigrator.resourceCountIs("AWS::ECS::TaskDefinition", 1);
    }

    /** The Defaults state's result, with every CloudFormation reference in the definition replaced by TOKEN. */
    @SuppressWarnings("unchecked")
    private static JsonNode defaults(Template template) throws Exception {
        Map<String, Object> properties = (Map<String, Object>) template
                .findResources("AWS::StepFunctions::StateMachine").values().iterator().next().get("Properties");
        List<Object> parts = (List<Object>) ((List<Object>) ((Map<String, Object>) properties
                .get("DefinitionString")).get("Fn::Join")).get(1);
        StringBuilder text = new StringBuilder();
        parts.forEach(part -> text.append(part instanceof String s ? s : "TOKEN"));
        return JSON.readTree(text.toString()).at("/States/Defaults/Result");
    }

    @Test
    void a_failed_target_notifies_the_stages_alarm_topic() {
        devMigrator.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "AlarmName", "skylift-dev-migrations-failed-targets",
                "MetricName", "FailedTargets",
                "Namespace", "Skylift",
                "Threshold", 1,
                "AlarmActions", Match.anyValue()));
    }

    @Test
    void the_post_deploy_step_starts_the_workflow_waits_for_hours_and_may_do_nothing_else_with_it() {
        String json = pipeline.toJSON().toString();
        assertThat(json).contains("stepfunctions start-execution", "MIGRATION_WORKFLOW_ARN");
        pipeline.hasResourceProperties("AWS::CodeBuild::Project", Map.of("TimeoutInMinutes",
                (int) MigrateStep.WORKFLOW_STEP_TIMEOUT.toMinutes().doubleValue()));
        String stepPolicy = pipeline.findResources("AWS::IAM::Policy", Map.of("Properties", Map.of(
                "Roles", List.of(Map.of("Ref", Match.stringLikeRegexp("MigrateDevRole.*")))))).toString();
        assertThat(stepPolicy).contains("states:StartExecution", ":stateMachine:skylift-dev-migrations",
                "states:DescribeExecution", ":execution:skylift-dev-migrations:*", "states:ListExecutions",
                ":mapRun:skylift-dev-migrations/*", "lambda:InvokeFunction");
        assertThat(stepPolicy).as("starting is granted on the one workflow only").doesNotContain("stateMachine:*");
    }

    @Test
    void cdk_nag_finds_nothing_unjustified_in_any_stack() {
        List<Stack> stacks = new ArrayList<>(List.of(app.pipeline()));
        for (String stage : List.of("dev", "prod")) {
            stacks.add(app.data(stage));
            stacks.add(app.migrator(stage));
        }
        for (Stack stack : stacks) {
            assertThat(Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*")).stream()
                    .map(m -> m.getId() + ": " + m.getEntry().getData()).toList())
                    .as("cdk-nag errors in " + stack.getStackName()).isEmpty();
        }
    }

    @Test
    void cfn_lint_accepts_the_stage_templates_and_their_state_machine_definitions() throws Exception {
        List<String> templates;
        try (Stream<Path> files = Files.walk(outdir)) {
            templates = files.filter(f -> f.getFileName().toString().endsWith(".template.json"))
                    .filter(f -> f.getFileName().toString().matches("(?i).*(dev|prod).*"))
                    .map(Path::toString).toList();
        }
        assertThat(templates).as("the stages' data and migrator templates").hasSizeGreaterThanOrEqualTo(4);
        List<String> command = new ArrayList<>(List.of("cfn-lint", "--regions", "eu-west-1",
                // W3005: a custom resource names its function in DependsOn and in ServiceToken, on purpose.
                "--ignore-checks", "W3005", "--"));
        command.addAll(templates);
        Process lint = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(lint.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(lint.exitValue()).as(output).isZero();
    }
}
