package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invoke;
import static io.skylift.migrator.MigratorFixture.invokeJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.testkit.LambdaContext;
import io.skylift.migrator.testkit.PostgresExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code SKYLIFT_COMMANDS} fixes what a function accepts when it starts: a planner is the same image that only reads.
 * IAM cannot look into a payload, so the function itself refuses a command outside its list.
 */
@ExtendWith({PostgresExtension.class, MigratorFixtureExtension.class})
class SkyliftCommandsTest {
    private MigratorFixture fixture;

    @BeforeEach
    void setUp(MigratorFixture fixture) {
        this.fixture = fixture;
        fixture.environment.put("SKYLIFT_COMMANDS", "plan, lint,info,validate");
    }

    @ParameterizedTest
    @ValueSource(strings = {"migrate", "repair", "baseline"})
    void a_command_outside_the_list_fails_naming_the_list_and_touches_nothing(String command) {
        assertThatThrownBy(() -> invoke(fixture.handler(), "{\"command\":\"" + command + "\"}",
                LambdaContext.generous()))
                .isInstanceOf(InvocationFailedException.class)
                .hasMessageStartingWith("[COMMAND_NOT_ALLOWED]")
                .hasMessageContaining("'" + command + "'")
                .hasMessageContaining("it accepts info, validate, plan, lint")
                .hasMessageContaining("SKYLIFT_COMMANDS");
        assertThat(fixture.database.tableExists("public", "flyway_schema_history")).isFalse();
        assertThat(fixture.secrets.getSecretValueCalls()).as("no secret read").isZero();
    }

    @Test
    void a_command_in_the_list_runs() {
        JsonNode plan = invokeJson(fixture.handler(), "{\"command\":\"plan\"}");

        assertThat(plan.get("success").asBoolean()).isTrue();
        assertThat(plan.get("pending")).hasSize(5);
    }

    @Test
    void a_create_event_to_a_function_without_migrate_fails_and_a_delete_is_still_answered() {
        invoke(fixture.handler(), fixture.cloudFormationEvent("Create", null), LambdaContext.generous());
        invoke(fixture.handler(), fixture.cloudFormationEvent("Delete", "shop-dev-SchemaMigration"),
                LambdaContext.generous());

        var answers = fixture.responseUrl.requests();
        assertThat(answers.get(0).json().get("Status").asText()).isEqualTo("FAILED");
        assertThat(answers.get(0).json().get("Reason").asText()).contains("'migrate'").contains("SKYLIFT_COMMANDS");
        assertThat(answers.get(1).json().get("Status").asText()).isEqualTo("SUCCESS");
        assertThat(fixture.database.tableExists("public", "flyway_schema_history")).isFalse();
    }

    @Test
    void an_unknown_name_in_the_list_is_a_configuration_error_naming_it_and_the_valid_ones() {
        fixture.environment.put("SKYLIFT_COMMANDS", "plan,lint,drop");

        assertThatThrownBy(() -> invoke(fixture.handler(), "{\"command\":\"plan\"}", LambdaContext.generous()))
                .hasMessageStartingWith("[CONFIGURATION]")
                .hasMessageContaining("SKYLIFT_COMMANDS")
                .hasMessageContaining("'drop'")
                .hasMessageContaining("migrate, info, validate, repair, baseline, plan, lint");
    }

    @Test
    void without_the_variable_every_command_is_accepted() {
        fixture.environment.remove("SKYLIFT_COMMANDS");

        assertThat(invokeJson(fixture.handler(), "{\"command\":\"migrate\"}").get("schemaVersion").asText())
                .isEqualTo("4");
    }
}
