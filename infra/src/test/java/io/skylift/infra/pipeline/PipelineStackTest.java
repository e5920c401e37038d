package io.skylift.infra.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.skylift.infra.TestApps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The pipeline, synthesized twice: as cloned (cdk.json's context only) and as configured for a
 * repository connection with prod in another account and region.
 */
class PipelineStackTest {

    @TempDir
    static Path defaultOut;
    @TempDir
    static Path connectedOut;

    private static TestApps.Synthesized cloned;
    private static Template clonedPipeline;
    private static TestApps.Synthesized connected;
    private static Template pipeline;

    @BeforeAll
    static void synthesize() {
        cloned = TestApps.synth(defaultOut, Map.of());
        clonedPipeline = Template.fromStack(cloned.pipeline());
        Map<String, Object> context = new HashMap<>(TestApps.CONNECTED);
        context.putAll(Map.of("pipelineAccount", "111111111111", "pipelineRegion", "eu-west-1",
                "prodAccount", "222222222222", "prodRegion", "us-east-1", "prodAcceptedDrift", "0123456789abcdef"));
        connected = TestApps.synth(connectedOut, context);
        pipeline = Template.fromStack(connected.pipeline());
    }

    @Test
    void the_top_level_is_one_pipeline_stack_of_type_v2() {
        pipeline.resourceCountIs("AWS::CodePipeline::Pipeline", 1);
        pipeline.hasResourceProperties("AWS::CodePipeline::Pipeline", Map.of("PipelineType", "V2", "Name", "skylift"));
        assertThat(connected.pipeline().getStackName()).isEqualTo("skylift-pipeline");
    }

    @Test
    void the_source_is_the_configured_repository_connection_and_branch() {
        Map<String, Object> source = action("Source", "CodeStarSourceConnection");
        assertThat(configuration(source))
                .containsEntry("ConnectionArn", "arn:aws:codestar-connections:eu-west-1:111111111111:connection/abcd-1234")
                .containsEntry("FullRepositoryId", "acme/orders")
                .containsEntry("BranchName", "release");
        pipeline.resourceCountIs("AWS::CodeStarConnections::Connection", 0);
    }

    @Test
    void without_a_connection_arn_the_stack_creates_a_connection_to_complete() {
        clonedPipeline.hasResourceProperties("AWS::CodeStarConnections::Connection", Map.of(
                "ConnectionName", "skylift", "ProviderType", "GitHub"));
        Annotations.fromStack(cloned.pipeline()).hasWarning("*", Match.stringLikeRegexp(".*'repository' is not set.*"));
    }

    @Test
    void synth_runs_the_readmes_tests_with_jdk25_and_the_pinned_cdk_cli_before_it_synthesizes() {
        Map<String, Object> project = project("Pipeline/Build/Synth/CdkBuildProject");
        String buildSpec = buildSpec(project);
        assertThat(buildSpec).contains("docker create --name skylift-jdk " + PipelineStack.SYNTH_JDK_IMAGE,
                "\"export JAVA_HOME=/opt/jdk-25 PATH=/opt/jdk-25/bin:$PATH\",\n        \"npm ci\",\n        \"" + readmeTestCommand()
                        + "\",\n        \"npx cdk synth\"",
                "\"base-directory\": \"cdk.out\"");
        assertThat(environment(project)).containsEntry("PrivilegedMode", true);
    }

    @Test
    void self_mutation_installs_the_cli_that_package_json_pins() {
        assertThat(buildSpec(project("Pipeline/UpdatePipeline/SelfMutation")))
                .contains("npm install -g aws-cdk@2.1148.1");
    }

    @Test
    void the_arm64_image_is_published_from_an_arm_build_host() {
        Map<String, Object> project = project("Pipeline/Assets/DockerAsset1");
        assertThat(environment(project)).containsEntry("Type", "ARM_CONTAINER").containsEntry("PrivilegedMode", true);
    }

    @Test
    void dev_deploys_first_then_prod_behind_a_manual_approval() {
        List<String> stages = stages().stream().map(s -> (String) s.get("Name")).toList();
        assertThat(stages).containsSubsequence("Source", "Build", "UpdatePipeline", "Assets", "Dev", "Prod");
        Map<String, Object> approval = actionNamed("Prod", "PromoteProd");
        assertThat(provider(approval)).isEqualTo("Manual");
        assertThat(runOrder(approval)).as("approval before the prod deploy")
                .isLessThan(runOrder(actionNamed("Prod", "skylift-prod.Deploy")));
        assertThat(actions("Dev")).noneMatch(a -> provider(a).equals("Manual"));
    }

    @Test
    void prod_deploys_to_its_own_account_and_region_with_rotated_cross_account_keys() {
        assertThat(configuration(actionNamed("Prod", "skylift-prod.Prepare")).get("RoleArn").toString())
                .contains("cdk-hnb659fds-cfn-exec-role-222222222222-us-east-1");
        pipeline.hasResourceProperties("AWS::KMS::Key", Map.of("EnableKeyRotation", true));
        for (software.amazon.awscdk.Stack stack : List.of(connected.data("prod"), connected.migrator("prod"))) {
            assertThat(stack.getAccount()).isEqualTo("222222222222");
            assertThat(stack.getRegion()).isEqualTo("us-east-1");
        }
    }

    @Test
    void from_the_other_account_only_the_migrate_steps_role_may_invoke_prods_migrator_and_the_plan_steps_its_planner() {
        Template prodMigrator = Template.fromStack(connected.migrator("prod"));
        Map<String, Map<String, Object>> permissions = prodMigrator.findResources("AWS::Lambda::Permission");
        Map<String, String> principalByFunction = new HashMap<>();
        for (Map<String, Object> permission : permissions.values()) {
            Map<String, Object> properties = properties(permission);
            assertThat(properties.get("Action")).isEqualTo("lambda:InvokeFunction");
            String function = new ObjectMapperHolder().json(properties.get("FunctionName"));
            assertThat(principalByFunction.put(function, new ObjectMapperHolder().json(properties.get("Principal"))))
                    .as("one principal per function").isNull();
        }
        String migrator = new ObjectMapperHolder().json(Map.of("Fn::GetAtt", List.of(functionId(prodMigrator,
                "skylift-prod-migrator"), "Arn")));
        String planner = new ObjectMapperHolder().json(Map.of("Fn::GetAtt", List.of(functionId(prodMigrator,
                "skylift-prod-planner"), "Arn")));
        assertThat(principalByFunction).as("the steps' roles, not the pipeline's account").hasSize(2);
        assertThat(principalByFunction.get(migrator)).contains(":iam::111111111111:role/skylift-prod-migrate-step");
        assertThat(principalByFunction.get(planner)).contains(":iam::111111111111:role/skylift-prod-plan-step");
        Template.fromStack(connected.migrator("dev")).resourceCountIs("AWS::Lambda::Permission", 0);
    }

    private static String functionId(Template template, String functionName) {
        return template.findResources("AWS::Lambda::Function", Map.of("Properties", Map.of("FunctionName",
                functionName))).keySet().iterator().next();
    }

    @Test
    void in_the_same_account_no_resource_policy_grants_invocation_and_each_step_runs_under_its_named_role() {
        for (String stage : List.of("dev", "prod")) {
            Template.fromStack(cloned.migrator(stage)).resourceCountIs("AWS::Lambda::Permission", 0);
        }
        for (Template template : List.of(clonedPipeline, pipeline)) {
            for (String stage : List.of("Dev", "Prod")) {
                template.hasResourceProperties("AWS::IAM::Role", Map.of(
                        "RoleName", "skylift-" + stage.toLowerCase() + "-migrate-step",
                        "AssumeRolePolicyDocument", Match.objectLike(Map.of("Statement", List.of(Match.objectLike(
                                Map.of("Principal", Map.of("Service", "codebuild.amazonaws.com"))))))));
            }
        }
        for (String stage : List.of("Dev", "Prod")) {
            Map<String, Object> project = project("Pipeline/Pipeline/" + stage + "/Migrate" + stage + "/Migrate" + stage);
            assertThat(new ObjectMapperHolder().json(properties(project).get("ServiceRole")))
                    .contains("Migrate" + stage + "Role");
        }
        for (Template template : List.of(clonedPipeline, pipeline)) {
            template.hasResourceProperties("AWS::IAM::Role", Map.of("RoleName", "skylift-prod-plan-step"));
        }
        assertThat(new ObjectMapperHolder().json(properties(project("Pipeline/Pipeline/Prod/PlanProd/PlanProd"))
                .get("ServiceRole"))).contains("PlanProdRole");
    }

    /** JSON text of a template value, for assertions on intrinsic functions. */
    private static final class ObjectMapperHolder {
        String json(Object value) {
            try {
                return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(value);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void naming_accounts_and_regions_still_needs_no_lookup() {
        assertThat(connected.assembly().getManifest().getMissing()).as("context lookups").isNullOrEmpty();
    }

    @Test
    void each_stage_deploys_its_data_stack_before_its_migrator_stack() {
        for (String stage : List.of("Dev", "Prod")) {
            String data = "skylift-" + stage.toLowerCase();
            assertThat(runOrder(actionNamed(stage, data + ".Deploy"))).as("data stack deployed before the migrator's")
                    .isLessThan(runOrder(actionNamed(stage, data + "-migrator.Prepare")));
            assertThat(runOrder(actionNamed(stage, data + "-migrator.Prepare")))
                    .isLessThan(runOrder(actionNamed(stage, data + "-migrator.Deploy")));
        }
    }

    @Test
    void after_each_deploy_a_step_invokes_that_stages_migrator_with_its_arn_from_the_stage_output() {
        for (String stage : List.of("Dev", "Prod")) {
            Map<String, Object> step = actionNamed(stage, "Migrate" + stage);
            assertThat(runOrder(step)).as("migrate step after the migrator's deploy")
                    .isGreaterThan(runOrder(actionNamed(stage, "skylift-" + stage.toLowerCase() + "-migrator.Deploy")));
            assertThat(configuration(step).get("EnvironmentVariables").toString())
                    .contains("\"name\":\"MIGRATOR_FUNCTION_ARN\"", ".MigratorFunctionArn}");
            Map<String, Object> project = project("Pipeline/Pipeline/" + stage + "/Migrate" + stage + "/Migrate" + stage);
            assertThat(buildSpec(project)).contains(jsonArray(MigrateStep.commands()));
            assertThat(environment(project).get("EnvironmentVariables").toString())
                    .contains("Name=READ_TIMEOUT", "Value=660", "Name=AWS_MAX_ATTEMPTS", "Value=1");
        }
    }

    @Test
    void the_migrate_step_reads_the_commits_migrations_to_know_the_version_to_expect() {
        for (String stage : List.of("Dev", "Prod")) {
            assertThat(actionNamed(stage, "Migrate" + stage).get("InputArtifacts"))
                    .isEqualTo(actionNamed("Build", "Synth").get("InputArtifacts"));
        }
    }

    @Test
    void the_migrate_step_invokes_with_the_raw_json_payload_and_a_long_read_timeout() {
        String commands = String.join("\n", MigrateStep.commands());
        assertThat(commands)
                .contains("aws lambda invoke", "--cli-binary-format raw-in-base64-out",
                        "--payload '{\"command\":\"migrate\"}'", "--payload '{\"command\":\"info\"}'",
                        "--cli-read-timeout \"$READ_TIMEOUT\"", "FunctionError", ".success == true");
    }

    @Test
    void before_the_prod_approval_a_plan_step_shows_what_this_commit_would_do_to_prod() {
        Map<String, Object> plan = actionNamed("Prod", "PlanProd");
        Map<String, Object> approval = actionNamed("Prod", "PromoteProd");
        assertThat(provider(plan)).isEqualTo("CodeBuild");
        assertThat(runOrder(plan)).as("the plan before the approval").isLessThan(runOrder(approval));
        assertThat(runOrder(plan)).as("the plan before anything of prod deploys")
                .isLessThan(runOrder(actionNamed("Prod", "skylift-prod.Prepare")));
        assertThat(configuration(approval).get("CustomData").toString())
                .as("the approval says where to read the plan").contains("PlanProd", "Details link");
        // The commit's files: the pipeline's source artifact, the one the Build step reads.
        assertThat(plan.get("InputArtifacts")).isEqualTo(actionNamed("Build", "Synth").get("InputArtifacts"));
        Map<String, Object> project = project("Pipeline/Pipeline/Prod/PlanProd/PlanProd");
        assertThat(buildSpec(project)).contains(jsonArray(PlanStep.commands()));
        assertThat(environment(project).get("EnvironmentVariables").toString()).contains(
                "Name=PLANNER_FUNCTION_ARN", "Value=arn:aws:lambda:us-east-1:222222222222:function:skylift-prod-planner",
                "Name=STAGE_NAME", "Value=prod", "Name=READ_TIMEOUT", "Value=660");
        assertThat(actions("Dev")).as("dev is not gated").noneMatch(a -> "PlanDev".equals(a.get("Name")));
    }

    @Test
    void the_drift_an_operator_accepted_reaches_the_plan_step_and_none_is_accepted_by_default() {
        assertThat(environment(project("Pipeline/Pipeline/Prod/PlanProd/PlanProd")).get("EnvironmentVariables")
                .toString()).contains("Name=" + DriftGate.ACCEPTED_VARIABLE, "Value=0123456789abcdef");
        Map<String, Object> defaultPlan = clonedPipeline.findResources("AWS::CodeBuild::Project").values().stream()
                .filter(p -> String.valueOf(p.get("Metadata")).contains("PlanProd/PlanProd"))
                .findFirst().orElseThrow();
        assertThat(environment(defaultPlan).get("EnvironmentVariables").toString())
                .doesNotContain(DriftGate.ACCEPTED_VARIABLE);
    }

    @Test
    void the_plan_step_may_invoke_only_its_stages_planner_and_each_migrate_step_only_its_stages_migrator() {
        Map<String, String> expected = Map.of(
                "MigrateDev", "arn:aws:lambda:eu-west-1:111111111111:function:skylift-dev-migrator",
                "PlanProd", "arn:aws:lambda:us-east-1:222222222222:function:skylift-prod-planner",
                "MigrateProd", "arn:aws:lambda:us-east-1:222222222222:function:skylift-prod-migrator");
        Map<String, Object> granted = new HashMap<>();
        for (Map.Entry<String, Map<String, Object>> policy : pipeline.findResources("AWS::IAM::Policy").entrySet()) {
            for (Map<String, Object> statement : statements(policy.getValue())) {
                if (statement.get("Action").toString().contains("lambda:")) {
                    assertThat(statement.get("Action")).isEqualTo("lambda:InvokeFunction");
                    String step = expected.keySet().stream().filter(policy.getKey()::contains).findFirst()
                            .orElseThrow(() -> new AssertionError(policy.getKey() + " may invoke a migrator"));
                    assertThat(granted.put(step, statement.get("Resource"))).as("one statement per step").isNull();
                }
            }
        }
        assertThat(granted).isEqualTo(expected);
    }

    @Test
    void an_environment_agnostic_pipeline_names_the_function_in_its_own_account_and_region() {
        List<Object> resources = new ArrayList<>();
        clonedPipeline.findResources("AWS::IAM::Policy").values().forEach(p -> statements(p).stream()
                .filter(s -> s.get("Action").toString().contains("lambda:"))
                .forEach(s -> resources.add(s.get("Resource"))));
        assertThat(resources).as("MigrateDev, PlanProd, MigrateProd").hasSize(3).allSatisfy(r -> assertThat(r.toString())
                .contains("AWS::Region", "AWS::AccountId").containsPattern("function:skylift-(dev-migrator|prod-migrator"
                        + "|prod-planner)"));
    }

    // ---- helpers -------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> stages() {
        Map<String, Object> resource = pipeline.findResources("AWS::CodePipeline::Pipeline").values().iterator().next();
        return (List<Map<String, Object>>) ((Map<String, Object>) resource.get("Properties")).get("Stages");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> actions(String stage) {
        return stages().stream().filter(s -> stage.equals(s.get("Name"))).findFirst()
                .map(s -> (List<Map<String, Object>>) s.get("Actions"))
                .orElseThrow(() -> new AssertionError("no stage " + stage));
    }

    private static Map<String, Object> actionNamed(String stage, String name) {
        return actions(stage).stream().filter(a -> name.equals(a.get("Name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no action " + name + " in " + stage));
    }

    private static Map<String, Object> action(String stage, String provider) {
        return actions(stage).stream().filter(a -> provider.equals(provider(a))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + provider + " action in " + stage));
    }

    @SuppressWarnings("unchecked")
    private static String provider(Map<String, Object> action) {
        return (String) ((Map<String, Object>) action.get("ActionTypeId")).get("Provider");
    }

    private static int runOrder(Map<String, Object> action) {
        return ((Number) action.get("RunOrder")).intValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> configuration(Map<String, Object> action) {
        return (Map<String, Object>) action.get("Configuration");
    }

    private static Map<String, Object> project(String pathPart) {
        List<Map<String, Object>> projects = pipeline.findResources("AWS::CodeBuild::Project").values().stream()
                .filter(p -> String.valueOf(p.get("Metadata")).contains(pathPart + "/Resource"))
                .toList();
        assertThat(projects).as("CodeBuild project at " + pathPart).hasSize(1);
        return projects.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(Map<String, Object> resource) {
        return (Map<String, Object>) resource.get("Properties");
    }

    @SuppressWarnings("unchecked")
    private static String buildSpec(Map<String, Object> project) {
        Map<String, Object> properties = (Map<String, Object>) project.get("Properties");
        return String.valueOf(((Map<String, Object>) properties.get("Source")).get("BuildSpec"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(Map<String, Object> project) {
        return (Map<String, Object>) ((Map<String, Object>) project.get("Properties")).get("Environment");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statements(Map<String, Object> policy) {
        Map<String, Object> document = (Map<String, Object>) ((Map<String, Object>) policy.get("Properties"))
                .get("PolicyDocument");
        return (List<Map<String, Object>>) document.get("Statement");
    }

    // The commands as the buildspec JSON lists them (CDK prints it with two-space indentation).
    private static String jsonArray(List<String> commands) {
        return String.join(",\n        ", commands.stream()
                .map(c -> "\"" + c.replace("\\", "\\\\").replace("\"", "\\\"") + "\"").toList());
    }

    /** The README's command that runs all the tests (the code block after "Run all the tests"). */
    private static String readmeTestCommand() {
        try {
            String readme = Files.readString(TestApps.ROOT.resolve("README.md"));
            Matcher block = Pattern.compile("Run all the tests[^`]*```\\s*\\n([^\\n]+)\\n")
                    .matcher(readme);
            assertThat(block.find()).as("the README's test command").isTrue();
            return block.group(1).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
