package io.skylift.construct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.rds.DatabaseCluster;
import software.amazon.awscdk.services.rds.DatabaseClusterAttributes;
import software.amazon.awscdk.services.secretsmanager.Secret;

/**
 * The custom resource that starts the workflow on a deploy: its template (cdk-nag, cfn-lint) and its handler's logic,
 * run by the real Node.js against a stand-in {@code @aws-sdk/client-sfn} module that records the calls and answers as
 * the test says.
 */
class WorkflowMigrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEPLOY_ID = "2026-12-04T15:00:00Z";
    private static final String ARN = "arn:aws:states:eu-west-1:111111111111:stateMachine:tenants";

    @TempDir
    static Path outdir;
    @TempDir
    static Path node;

    private static Stack stack;
    private static MigrationWorkflow workflow;
    private static Template template;

    @BeforeAll
    static void synthesize() throws IOException {
        App app = App.Builder.create().outdir(outdir.toString()).build();
        stack = new Stack(app, "Deploy");
        Aspects.of(stack).add(new AwsSolutionsChecks(NagPackProps.builder().build()));
        IVpc vpc = Vpc.fromVpcAttributes(stack, "Vpc", VpcAttributes.builder()
                .vpcId("vpc-0123456789abcdef0")
                .availabilityZones(List.of("eu-west-1a", "eu-west-1b"))
                .isolatedSubnetIds(List.of("subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"))
                .build());
        SchemaMigrator migrator = new SchemaMigrator(stack, "Migrator", SchemaMigratorProps.builder()
                .vpc(vpc)
                .vpcSubnets(SubnetSelection.builder().subnets(vpc.getIsolatedSubnets()).build())
                .database(DatabaseCluster.fromDatabaseClusterAttributes(stack, "Cluster",
                        DatabaseClusterAttributes.builder().clusterIdentifier("eu")
                                .securityGroups(List.of(SecurityGroup.fromSecurityGroupId(stack, "DbSg",
                                        "sg-0123456789abcdef0")))
                                .build()))
                .databaseSecret(Secret.fromSecretCompleteArn(stack, "Secret",
                        "arn:aws:secretsmanager:eu-west-1:111111111111:secret:eu-db-AbCdEf"))
                .migrationsDirectory(SchemaMigratorTest.MIGRATIONS.toString())
                .migrateOn(MigrationTrigger.NEVER)
                .build());
        workflow = new MigrationWorkflow(stack, "Workflow", MigrationWorkflowProps.builder()
                .targets(List.of(MigrationTarget.of("eu", migrator).runBy(Runner.FARGATE)))
                .build());
        new WorkflowMigration(stack, "Migration", workflow, Duration.minutes(50), "migrate", DEPLOY_ID);
        template = Template.fromStack(stack);
        app.synth();

        Path sdk = node.resolve("node_modules/@aws-sdk/client-sfn");
        Files.createDirectories(sdk);
        Files.writeString(sdk.resolve("index.js"), String.join("\n",
                "const calls = [];",
                "class SFNClient { async send(command) { calls.push(command); return global.answer(command); } }",
                "class StartExecutionCommand { constructor(input) { this.name = 'StartExecution'; this.input = input; } }",
                "class DescribeExecutionCommand {",
                "  constructor(input) { this.name = 'DescribeExecution'; this.input = input; } }",
                "module.exports = { SFNClient, StartExecutionCommand, DescribeExecutionCommand, calls };"));
        try (InputStream handler = WorkflowMigration.class.getResourceAsStream("workflow-migration.js")) {
            Files.write(node.resolve("index.js"), handler.readAllBytes());
        }
        Files.writeString(node.resolve("run.js"), String.join("\n",
                "const [entry, event, answer] = process.argv.slice(2);",
                "global.answer = () => JSON.parse(answer);",
                "const sdk = require('@aws-sdk/client-sfn');",
                "require('./index.js')[entry](JSON.parse(event))",
                "  .then(result => console.log(JSON.stringify({ result, calls: sdk.calls })))",
                "  .catch(error => console.log(JSON.stringify({ error: error.message, calls: sdk.calls })));"));
    }

    /** Runs the handler's {@code entry} with {@code event}; the SDK stand-in answers every call with {@code answer}. */
    private static JsonNode handle(String entry, String event, String answer) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("node", "run.js", entry, event, answer)
                .directory(node.toFile()).redirectErrorStream(true);
        builder.environment().put("SKYLIFT_DEPLOY_ID", DEPLOY_ID);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return JSON.readTree(output);
    }

    private static String event(String type, String deployId, String oldDeployId) {
        return "{\"RequestType\":\"" + type + "\",\"LogicalResourceId\":\"Migration\",\"ResourceProperties\":"
                + "{\"StateMachineArn\":\"" + ARN + "\",\"Command\":\"migrate\",\"DeployId\":\"" + deployId + "\"}"
                + (oldDeployId == null ? "" : ",\"PhysicalResourceId\":\"skylift-workflow-migration-Migration\","
                        + "\"OldResourceProperties\":{\"DeployId\":\"" + oldDeployId + "\"}") + "}";
    }

    @Test
    void create_and_update_start_an_execution_with_the_command() throws Exception {
        for (String event : List.of(event("Create", DEPLOY_ID, null),
                event("Update", DEPLOY_ID, "2026-12-01T10:00:00Z"))) {
            JsonNode run = handle("onEvent", event, "{\"executionArn\":\"" + ARN + ":run1\"}");

            assertThat(run.at("/calls/0/name").asText()).as(run.toString()).isEqualTo("StartExecution");
            assertThat(run.at("/calls/0/input/stateMachineArn").asText()).isEqualTo(ARN);
            assertThat(run.at("/calls/0/input/input").asText()).isEqualTo("{\"command\":\"migrate\"}");
            assertThat(run.at("/result/Data/ExecutionArn").asText()).isEqualTo(ARN + ":run1");
            assertThat(run.at("/result/PhysicalResourceId").asText()).isEqualTo("skylift-workflow-migration-Migration");
        }
    }

    @Test
    void delete_and_a_rollback_update_start_nothing() throws Exception {
        JsonNode delete = handle("onEvent", event("Delete", DEPLOY_ID, DEPLOY_ID), "{}");
        assertThat(delete.get("calls")).isEmpty();
        assertThat(delete.at("/result/PhysicalResourceId").asText()).isEqualTo("skylift-workflow-migration-Migration");

        // CloudFormation rolls a failed update back with the old properties; the function is still this synthesis's.
        JsonNode rollback = handle("onEvent", event("Update", "2026-12-01T10:00:00Z", DEPLOY_ID), "{}");
        assertThat(rollback.get("calls")).as(rollback.toString()).isEmpty();
        assertThat(rollback.at("/result/Data/Rollback").asText()).isEqualTo("true");
    }

    @Test
    void the_deploy_waits_while_the_execution_runs_and_completes_when_it_succeeded() throws Exception {
        String started = "{\"RequestType\":\"Update\",\"Data\":{\"ExecutionArn\":\"" + ARN + ":run1\"}}";

        JsonNode running = handle("isComplete", started, "{\"status\":\"RUNNING\"}");
        assertThat(running.at("/result/IsComplete").asBoolean()).as(running.toString()).isFalse();
        assertThat(running.at("/calls/0/input/executionArn").asText()).isEqualTo(ARN + ":run1");

        JsonNode succeeded = handle("isComplete", started, "{\"status\":\"SUCCEEDED\"}");
        assertThat(succeeded.at("/result/IsComplete").asBoolean()).isTrue();
    }

    @Test
    void a_failed_execution_fails_the_deploy_with_its_error_cause_and_where_to_look() throws Exception {
        String started = "{\"RequestType\":\"Update\",\"Data\":{\"ExecutionArn\":\"" + ARN + ":run1\"}}";

        for (String status : List.of("FAILED", "TIMED_OUT", "ABORTED")) {
            JsonNode failed = handle("isComplete", started, "{\"status\":\"" + status + "\",\"error\":"
                    + "\"States.ExceedToleratedFailureThreshold\",\"cause\":\"" + "x".repeat(2000) + "\"}");
            String error = failed.path("error").asText();
            assertThat(error).as(failed.toString()).startsWith("The migration workflow ended " + status
                    + ": States.ExceedToleratedFailureThreshold").contains("list-map-runs --execution-arn " + ARN);
            assertThat(error.length()).as("a reason CloudFormation keeps whole").isLessThan(800);
        }
    }

    @Test
    void the_custom_resource_names_the_workflow_the_command_and_the_deploy() {
        template.hasResourceProperties(WorkflowMigration.RESOURCE_TYPE, Map.of(
                "StateMachineArn", Map.of("Ref", Match.stringLikeRegexp("WorkflowStateMachine.*")),
                "Command", "migrate",
                "DeployId", DEPLOY_ID));
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "index.onEvent",
                "Runtime", "nodejs24.x",
                "Environment", Map.of("Variables", Map.of("SKYLIFT_DEPLOY_ID", DEPLOY_ID))));
        template.resourceCountIs(SchemaMigration.RESOURCE_TYPE, 0);
        template.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Statement",
                Match.arrayWith(List.of(Match.objectLike(Map.of("Action", "states:StartExecution",
                        "Resource", Map.of("Ref", Match.stringLikeRegexp("WorkflowStateMachine.*")))))))));
    }

    @Test
    void a_timeout_beyond_cloudformations_hour_is_refused_and_points_to_the_pipeline_step() {
        // 56 minutes: the waiter's last answer could come after CloudFormation's hour has run out.
        assertThatThrownBy(() -> new WorkflowMigration(stack, "TooLong", workflow, Duration.minutes(56), "migrate",
                DEPLOY_ID))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout must be from 1 to 55 minutes")
                .hasMessageContaining("pipeline's post-deploy step");
    }

    @Test
    void the_waiter_looks_every_30_seconds_for_no_longer_than_the_timeout() {
        Map<String, Map<String, Object>> waiters =
                new java.util.HashMap<>(template.findResources("AWS::StepFunctions::StateMachine"));
        waiters.keySet().removeIf(id -> !id.startsWith("MigrationProviderwaiter"));
        assertThat(waiters).hasSize(1);
        // 100 looks 30 s apart: the 50 minutes given, within CloudFormation's hour.
        assertThat(waiters.values().iterator().next().toString())
                .contains("\"IntervalSeconds\":30,\"MaxAttempts\":100,\"BackoffRate\":1");
    }

    @Test
    void cdk_nag_finds_nothing_unjustified() {
        assertThat(Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*")).stream()
                .map(m -> m.getId() + ": " + m.getEntry().getData()).toList()).as("cdk-nag errors").isEmpty();
    }

    @Test
    void cfn_lint_accepts_the_template() throws Exception {
        // W3005: CDK's own DependsOn on the functions' and state machines' roles, beside their GetAtt.
        Process lint = new ProcessBuilder("cfn-lint", "--regions", "eu-west-1", "--ignore-checks", "W3005", "--",
                outdir.resolve("Deploy.template.json").toString())
                .redirectErrorStream(true).start();
        String output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(lint.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(lint.exitValue()).as(output).isZero();
    }
}
