package io.skylift.migrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.testkit.InvocationResult;
import io.skylift.migrator.testkit.PostgresExtension;
import io.skylift.migrator.testkit.RuntimeInterfaceClientProcess;
import io.skylift.migrator.testkit.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The handler run the way the Lambda base image runs it: the real Runtime Interface Client in its own JVM, talking
 * to a local Runtime API, configured only through environment variables (the SDK finds the local Secrets Manager
 * through the standard AWS_ENDPOINT_URL_SECRETS_MANAGER, the migrations through LAMBDA_TASK_ROOT).
 */
@ExtendWith(PostgresExtension.class)
class LambdaRuntimeTest {
    static final String HANDLER = "io.skylift.migrator.MigratorHandler::handleRequest";

    @Test
    void a_cloudformation_event_and_a_direct_invocation_through_the_runtime_interface_client(TestDatabase database)
            throws Exception {
        try (MigratorFixture fixture = new MigratorFixture(database);
             RuntimeInterfaceClientProcess lambda = RuntimeInterfaceClientProcess.builder(HANDLER)
                     .workingDirectory(fixture.taskRoot)
                     .environment(fixture.environment)
                     .environment(fixture.secrets.environment())
                     .environment("LAMBDA_TASK_ROOT", fixture.taskRoot.toString())
                     .start()) {

            InvocationResult created = lambda.invoke(fixture.cloudFormationEvent("Create", null), Duration.ofSeconds(60));
            assertThat(created.isError()).as(lambda.output()).isFalse();
            JsonNode answer = fixture.responseUrl.awaitRequest(Duration.ofSeconds(5)).json();
            assertThat(answer.get("Status").asText()).isEqualTo("SUCCESS");
            assertThat(answer.get("Data").get("SchemaVersion").asText()).isEqualTo("4");

            InvocationResult info = lambda.invoke("{\"command\":\"info\"}", Duration.ofSeconds(60));
            assertThat(info.isError()).as(lambda.output()).isFalse();
            assertThat(info.json().get("schemaVersion").asText()).isEqualTo("4");
            assertThat(info.json().get("applied").size()).isEqualTo(5);

            InvocationResult unknown = lambda.invoke("{\"command\":\"drop\"}", Duration.ofSeconds(60));
            assertThat(unknown.isError()).as("an unknown command is a function error").isTrue();
            assertThat(unknown.json().get("errorMessage").asText()).contains("valid commands are migrate");
            assertThat(lambda.output()).contains("\"outcome\":\"SUCCESS\"").contains("\"_aws\"");
        }
    }
}
