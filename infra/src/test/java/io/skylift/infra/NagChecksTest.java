package io.skylift.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/**
 * cdk-nag's AWS Solutions rules run inside every stack the app makes (stages included: the rules are
 * added to each stage before the pipeline synthesizes it), find nothing unsuppressed, and every
 * suppression says why.
 */
class NagChecksTest {

    @TempDir
    static Path defaultOut;
    @TempDir
    static Path elsewhereOut;

    private static List<Stack> stacks;

    @BeforeAll
    static void synthesize() {
        stacks = new ArrayList<>(stacksOf(TestApps.synth(defaultOut, Map.of())));
        Map<String, Object> elsewhere = new HashMap<>(TestApps.CONNECTED);
        elsewhere.putAll(Map.of("pipelineAccount", "111111111111", "pipelineRegion", "eu-west-1",
                "prodAccount", "222222222222", "prodRegion", "us-east-1", "devDeletionProtection", "true"));
        stacks.addAll(stacksOf(TestApps.synth(elsewhereOut, elsewhere)));
    }

    @Test
    void the_rules_ran_in_every_stack() {
        // cdk-nag writes a report for each stack it checked; a stack it never saw has none.
        // Default: pipeline + two stages of two stacks; elsewhere: the same plus prod's region support stack.
        assertThat(stacks).hasSize(11);
        for (Stack stack : stacks) {
            assertThat(findReport(stack)).as("cdk-nag report of " + stack.getStackName()).isRegularFile();
        }
    }

    @Test
    void no_stack_has_an_unsuppressed_finding() {
        for (Stack stack : stacks) {
            List<SynthesisMessage> errors = Annotations.fromStack(stack)
                    .findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
            List<SynthesisMessage> warnings = Annotations.fromStack(stack)
                    .findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"));
            assertThat(errors).as("cdk-nag errors in " + stack.getStackName()).isEmpty();
            assertThat(warnings).as("cdk-nag warnings in " + stack.getStackName()).isEmpty();
        }
    }

    @Test
    void every_suppression_carries_its_reason() {
        int suppressions = 0;
        for (Stack stack : stacks) {
            for (Map<String, Object> rule : suppressionsOf(stack)) {
                assertThat(String.valueOf(rule.get("reason")))
                        .as("reason of " + rule.get("id") + " in " + stack.getStackName())
                        .hasSizeGreaterThanOrEqualTo(20);
                suppressions++;
            }
        }
        assertThat(suppressions).isPositive();
    }

    @Test
    void only_these_rules_are_suppressed() {
        Map<String, Set<String>> suppressed = new HashMap<>();
        for (Stack stack : stacks) {
            Set<String> ids = new TreeSet<>();
            suppressionsOf(stack).forEach(rule -> ids.add(String.valueOf(rule.get("id"))));
            suppressed.merge(stack.getStackName(), ids, (a, b) -> {
                Set<String> union = new TreeSet<>(a);
                union.addAll(b);
                return union;
            });
        }
        assertThat(suppressed).containsOnly(
                Map.entry("skylift-pipeline", Set.of("AwsSolutions-S1", "AwsSolutions-CB4", "AwsSolutions-IAM5")),
                Map.entry("skylift-pipeline-support-us-east-1", Set.of("AwsSolutions-S1")),
                Map.entry("skylift-dev", Set.of("AwsSolutions-SMG4", "AwsSolutions-RDS10")),
                // The planner's secret, which the migrator keeps.
                Map.entry("skylift-dev-migrator", Set.of("AwsSolutions-IAM4", "AwsSolutions-SMG4")),
                Map.entry("skylift-prod", Set.of("AwsSolutions-SMG4")),
                Map.entry("skylift-prod-migrator", Set.of("AwsSolutions-IAM4", "AwsSolutions-SMG4")));
    }

    @Test
    void the_migrators_own_permissions_need_no_wildcard_suppression() {
        for (Stack stack : stacks) {
            for (Map<String, Object> rule : suppressionsOf(stack)) {
                if ("AwsSolutions-IAM5".equals(rule.get("id"))) {
                    assertThat(stack.getStackName()).as("IAM5 is suppressed only for CDK Pipelines' roles")
                            .isEqualTo("skylift-pipeline");
                }
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void iam5_is_suppressed_only_on_the_iam_policies_cdk_pipelines_generates_and_only_for_listed_wildcards() {
        int scoped = 0;
        for (Stack stack : stacks) {
            Map<String, Object> resources = (Map<String, Object>) Template.fromStack(stack).toJSON().get("Resources");
            for (Map.Entry<String, Object> entry : resources.entrySet()) {
                Map<String, Object> resource = (Map<String, Object>) entry.getValue();
                if (!(resource.get("Metadata") instanceof Map<?, ?> m && m.get("cdk_nag") instanceof Map<?, ?> nag
                        && nag.get("rules_to_suppress") instanceof List<?> rules)) {
                    continue;
                }
                for (Object rule : rules) {
                    Map<String, Object> suppression = (Map<String, Object>) rule;
                    if (!"AwsSolutions-IAM5".equals(suppression.get("id"))) {
                        continue;
                    }
                    assertThat(resource.get("Type")).as("IAM5 suppressed on " + entry.getKey())
                            .isEqualTo("AWS::IAM::Policy");
                    assertThat(suppression.get("applies_to")).as("IAM5 on " + entry.getKey() + " lists its wildcards")
                            .isInstanceOfSatisfying(List.class, list -> assertThat(list).isNotEmpty());
                    scoped++;
                }
            }
        }
        assertThat(scoped).isPositive();
    }

    @Test
    void the_smg4_reason_says_what_holds_today() {
        for (Stack stack : stacks) {
            for (Map<String, Object> rule : suppressionsOf(stack)) {
                if ("AwsSolutions-SMG4".equals(rule.get("id"))) {
                    assertThat(String.valueOf(rule.get("reason"))).contains("No rotation is configured")
                            .contains("Secrets Manager endpoint").doesNotContain("addRotationSingleUser");
                }
            }
        }
    }

    private static List<Stack> stacksOf(TestApps.Synthesized app) {
        List<Stack> all = new ArrayList<>();
        all.add(app.pipeline());
        app.pipeline().getStages().forEach(stage -> {
            all.add(stage.getData());
            all.add(stage.getMigrator());
        });
        app.pipeline().getPipeline().getPipeline().getCrossRegionSupport().values()
                .forEach(support -> all.add(support.getStack()));
        // The pipeline's own region maps to the pipeline stack itself.
        return all.stream().distinct().toList();
    }

    private static Path findReport(Stack stack) {
        String name = "AwsSolutions-" + stack.getStackName() + "-NagReport.csv";
        for (Path dir : List.of(defaultOut, elsewhereOut)) {
            try (var files = java.nio.file.Files.walk(dir)) {
                var found = files.filter(f -> f.getFileName().toString().equals(name)).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return Path.of("missing", name);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> suppressionsOf(Stack stack) {
        List<Map<String, Object>> rules = new ArrayList<>();
        Map<String, Object> resources = (Map<String, Object>) Template.fromStack(stack).toJSON().get("Resources");
        resources.values().forEach(value -> {
            Map<String, Object> resource = (Map<String, Object>) value;
            Object metadata = resource.get("Metadata");
            if (metadata instanceof Map<?, ?> m && m.get("cdk_nag") instanceof Map<?, ?> nag
                    && nag.get("rules_to_suppress") instanceof List<?> list) {
                list.forEach(rule -> rules.add((Map<String, Object>) rule));
            }
        });
        return rules;
    }
}
