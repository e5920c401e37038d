package io.skylift.construct;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnCondition;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.Queue;

/**
 * The custom resource waits for every other resource of its stack, except those it must not wait for: a resource
 * under a condition, one that waits for the migration itself, another stack's.
 */
class LastInStackTest {

    private static Map<String, Map<String, Object>> resources;
    private static Template other;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void synthesize() {
        App app = new App();
        Stack stack = new Stack(app, "Shop");
        SchemaMigration migration = new SchemaMigration(stack, "Migration", SchemaMigrationProps.builder()
                .function(Function.fromFunctionArn(stack, "Migrator",
                        "arn:aws:lambda:eu-west-1:111111111111:function:shop-migrator"))
                .functionTimeout(Duration.minutes(5))
                .deployId("2026-11-28T09:15:00Z")
                .build());
        Topic.Builder.create(stack, "Before").build();
        Queue.Builder.create(stack, "AlsoBefore").build();
        Queue conditional = Queue.Builder.create(stack, "OnlyInProd").build();
        ((software.amazon.awscdk.CfnResource) conditional.getNode().getDefaultChild()).getCfnOptions().setCondition(
                CfnCondition.Builder.create(stack, "IsProd").expression(Fn.conditionEquals("a", "b")).build());
        Queue after = Queue.Builder.create(stack, "After").build();
        after.getNode().addDependency(migration);
        Stack second = new Stack(app, "Elsewhere");
        Topic.Builder.create(second, "Unrelated").build();

        resources = (Map<String, Map<String, Object>>) Template.fromStack(stack).toJSON().get("Resources");
        other = Template.fromStack(second);
    }

    @Test
    @SuppressWarnings("unchecked")
    void it_waits_for_the_others_and_not_for_a_conditional_one_or_one_waiting_for_it() {
        Map<String, Object> migration = resource("Custom::SkyliftSchemaMigration");
        List<String> dependsOn = (List<String>) migration.get("DependsOn");
        assertThat(dependsOn).containsExactlyInAnyOrder(id("AWS::SNS::Topic"), idOf("AlsoBefore"));
        assertThat((List<String>) resources.get(idOf("After")).get("DependsOn"))
                .as("the resource that waits for the migration still does, no cycle")
                .contains(id("Custom::SkyliftSchemaMigration"));
        assertThat(other.toJSON().toString()).doesNotContain("SkyliftSchemaMigration");
    }

    private static Map<String, Object> resource(String type) {
        return resources.get(id(type));
    }

    private static String id(String type) {
        List<String> ids = resources.entrySet().stream().filter(e -> type.equals(e.getValue().get("Type")))
                .map(Map.Entry::getKey).toList();
        assertThat(ids).as(type).hasSize(1);
        return ids.get(0);
    }

    private static String idOf(String prefix) {
        return resources.keySet().stream().filter(id -> id.startsWith(prefix)).findFirst().orElseThrow();
    }
}
