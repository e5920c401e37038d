package io.skylift.migrator.invocation;

import io.skylift.migrator.failure.InvalidInvocationException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InvocationParserTest {
    private final InvocationParser parser = new InvocationParser();

    private Invocation parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{}", "null", "{\"command\": null}"})
    void an_empty_payload_means_migrate(String payload) {
        assertThat(parse(payload)).isEqualTo(new DirectRequest(Command.MIGRATE, null, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"migrate", "info", "validate", "repair", "baseline", "plan", "lint", "drift"})
    void every_command_is_understood(String name) {
        assertThat(parse("{\"command\": \"" + name + "\"}"))
                .isEqualTo(new DirectRequest(Command.fromWireName(name).orElseThrow(), null, null));
    }

    @Test
    void target_and_baseline_version_are_passed_on_as_text() {
        assertThat(parse("{\"command\": \"migrate\", \"target\": 3}"))
                .isEqualTo(new DirectRequest(Command.MIGRATE, "3", null));
        assertThat(parse("{\"command\": \"baseline\", \"baselineVersion\": \"2.1\"}"))
                .isEqualTo(new DirectRequest(Command.BASELINE, null, "2.1"));
    }

    @Test
    void an_unknown_command_fails_and_lists_the_valid_ones() {
        assertThatThrownBy(() -> parse("{\"command\": \"clean\"}"))
                .isInstanceOf(InvalidInvocationException.class)
                .hasMessageContaining("Unknown command 'clean'")
                .hasMessageContaining("migrate, info, validate, repair, baseline");
    }

    @Test
    void malformed_json_fails_with_where_and_what_to_send() {
        assertThatThrownBy(() -> parse("{\"command\": \"migrate\""))
                .isInstanceOf(InvalidInvocationException.class)
                .hasMessageContaining("not valid JSON")
                .hasMessageContaining("line 1")
                .hasMessageContaining("{\"command\"");
    }

    @Test
    void a_json_array_or_string_is_rejected() {
        assertThatThrownBy(() -> parse("[\"migrate\"]")).hasMessageContaining("array, not an object");
        assertThatThrownBy(() -> parse("\"migrate\"")).hasMessageContaining("string, not an object");
    }

    @Test
    void unknown_fields_are_rejected_rather_than_ignored() {
        assertThatThrownBy(() -> parse("{\"comand\": \"info\"}"))
                .hasMessageContaining("Unknown field(s) [comand]");
    }

    @Test
    void a_cloudformation_event_is_recognised_by_its_request_type() {
        Invocation invocation = parse("""
                {"RequestType":"Update","ServiceToken":"arn:aws:lambda:eu-west-1:1:function:m",
                 "ResponseURL":"https://s3.example/answer?sig=1",
                 "StackId":"arn:aws:cloudformation:eu-west-1:123456789012:stack/shop-dev/7f0e",
                 "RequestId":"r-1","LogicalResourceId":"SchemaMigration","PhysicalResourceId":"shop-dev-SchemaMigration",
                 "ResourceType":"Custom::SchemaMigration","ResourceProperties":{"DeployId":"42"},
                 "OldResourceProperties":{"DeployId":"41"}}
                """);
        assertThat(invocation).isInstanceOf(CloudFormationRequest.class);
        CloudFormationRequest request = (CloudFormationRequest) invocation;
        assertThat(request.requestType()).isEqualTo("Update");
        assertThat(request.stackName()).isEqualTo("shop-dev");
        assertThat(request.event().getResponseUrl()).isEqualTo("https://s3.example/answer?sig=1");
        assertThat(request.event().getPhysicalResourceId()).isEqualTo("shop-dev-SchemaMigration");
        assertThat(request.event().getResourceProperties()).containsEntry("DeployId", "42");
    }

    @Test
    void a_cloudformation_event_without_a_response_url_cannot_be_answered() {
        assertThatThrownBy(() -> parse("{\"RequestType\":\"Create\",\"StackId\":\"s\",\"RequestId\":\"r\","
                + "\"LogicalResourceId\":\"l\"}"))
                .isInstanceOf(InvalidInvocationException.class)
                .hasMessageContaining("ResponseURL");
    }
}
