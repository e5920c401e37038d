package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invoke;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.testkit.LambdaContext;
import io.skylift.migrator.testkit.PostgresExtension;
import io.skylift.migrator.testkit.RecordedRequest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Deeply nested or huge JSON ends in an answer or a clear error, never in a StackOverflowError nobody answers. */
@ExtendWith({PostgresExtension.class, MigratorFixtureExtension.class})
class AnyPayloadIsAnsweredTest {
    private static final int DEPTH = 200_000;
    private MigratorFixture fixture;

    @BeforeEach
    void setUp(MigratorFixture fixture) {
        this.fixture = fixture;
    }

    @Test
    void a_cloudformation_event_with_deeply_nested_properties_is_answered() {
        String event = fixture.updateEvent("shop-dev-SchemaMigration", null, null).replace(
                "\"OldResourceProperties\":{}", "\"OldResourceProperties\":{\"Deep\":" + "[".repeat(DEPTH)
                        + "]".repeat(DEPTH) + ",\"Huge\":" + "9".repeat(100_000) + "}");

        String output = invoke(fixture.handler(), event, LambdaContext.generous());

        List<RecordedRequest> answers = fixture.responseUrl.requests();
        assertThat(answers).as("exactly one answer").hasSize(1);
        JsonNode body = answers.get(0).json();
        assertThat(body.get("Status").asText()).isEqualTo("SUCCESS");
        assertThat(body.get("PhysicalResourceId").asText()).isEqualTo("shop-dev-SchemaMigration");
        assertThat(output).contains("\"SUCCESS\"");
    }

    @Test
    void a_deeply_nested_direct_payload_fails_with_a_clear_error() {
        String payload = "{\"command\":" + "[".repeat(DEPTH) + "]".repeat(DEPTH) + "}";

        assertThatThrownBy(() -> invoke(fixture.handler(), payload, LambdaContext.generous()))
                .isInstanceOf(InvocationFailedException.class)
                .hasMessageContaining("nesting depth (101) exceeds the maximum allowed (100")
                .hasMessageContaining("{\"command\":");
    }
}
