package io.skylift.migrator.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RuntimeInterfaceClientProcessTest {

    @Test
    void a_handler_run_by_the_real_runtime_interface_client_answers_and_sees_the_lambda_context()
            throws InterruptedException {
        try (RuntimeInterfaceClientProcess lambda = RuntimeInterfaceClientProcess
                .builder(ContextEchoHandler.class.getName() + "::handleRequest")
                .environment(Map.of("SKYLIFT_TEST_EXTRA", "from the test"))
                .start()) {

            InvocationResult first = lambda.invoke("{\"command\":\"info\"}", Duration.ofSeconds(20));
            InvocationResult second = lambda.invoke("{\"command\":\"migrate\"}", Duration.ofSeconds(20));

            assertThat(first.isError()).as("error? body: %s; output: %s", first.body(), lambda.output()).isFalse();
            JsonNode answer = first.json();
            assertThat(answer.get("event").get("command").asText()).isEqualTo("info");
            assertThat(answer.get("requestId").asText()).isEqualTo(first.requestId());
            assertThat(answer.get("functionArn").asText()).isEqualTo(lambda.runtimeApi().functionArn());
            assertThat(answer.get("functionName").asText()).isEqualTo("skylift-migrator");
            assertThat(answer.get("remainingTimeMs").asLong()).as("remaining time").isBetween(10_000L, 20_000L);
            assertThat(answer.get("taskRoot").asText()).isNotEmpty();
            assertThat(answer.get("extra").asText()).isEqualTo("from the test");
            assertThat(answer.get("home").isNull()).as("HOME leaked from the test JVM's environment").isTrue();
            assertThat(first.answeredBeforeDeadline()).isTrue();

            assertThat(second.json().get("event").get("command").asText()).as("warm second invocation").isEqualTo("migrate");
            assertThat(second.requestId()).isNotEqualTo(first.requestId());
            assertThat(lambda.output()).contains("echo handler got request " + first.requestId(),
                    "echo handler got request " + second.requestId());
        }
    }

    @Test
    void a_handler_that_throws_is_a_function_error_with_the_exception_in_the_body() throws InterruptedException {
        try (RuntimeInterfaceClientProcess lambda = RuntimeInterfaceClientProcess
                .start(FailingHandler.class.getName() + "::handleRequest", Map.of())) {

            InvocationResult result = lambda.invoke("{\"command\":\"migrate\"}", Duration.ofSeconds(20));

            assertThat(result.isError()).isTrue();
            assertThat(result.errorType()).isEqualTo("Runtime.UserException");
            assertThat(result.json().get("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
            assertThat(result.json().get("errorMessage").asText()).contains("migration V2__boom.sql failed");
            assertThat(lambda.isAlive()).as("the runtime survives a function error").isTrue();
        }
    }

    @Test
    void past_the_function_timeout_the_invocation_times_out_and_the_child_is_killed() throws InterruptedException {
        try (RuntimeInterfaceClientProcess lambda = RuntimeInterfaceClientProcess
                .start(FailingHandler.class.getName() + "::handleRequest", Map.of())) {

            InvocationResult result = lambda.invoke("\"sleep\"", Duration.ofMillis(500));

            assertThat(result.timedOut()).isTrue();
            assertThat(result.isError()).isTrue();
            assertThat(result.json().get("errorMessage").asText()).contains("Task timed out after 0.50 seconds");
            assertThat(result.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(500));
            lambda.close();
            assertThat(lambda.isAlive()).isFalse();
        }
    }

    @Test
    void a_handler_class_that_does_not_exist_is_reported_on_the_first_invocation_as_bad_function_code()
            throws InterruptedException {
        try (RuntimeInterfaceClientProcess lambda = RuntimeInterfaceClientProcess
                .start("io.skylift.migrator.testkit.NoSuchHandler::handleRequest", Map.of())) {

            InvocationResult result = lambda.invoke("{}", Duration.ofSeconds(20));

            // RIC 2.9.0 does not fail init for a missing class: it answers every invocation with this error.
            assertThat(result.isError()).isTrue();
            assertThat(result.errorType()).isEqualTo("Runtime.BadFunctionCode");
            assertThat(result.json().get("errorMessage").asText())
                    .isEqualTo("Class not found: io.skylift.migrator.testkit.NoSuchHandler");
        }
    }

    @Test
    void a_handler_that_fails_at_init_reports_an_init_error_and_the_invocation_fails_with_it() {
        try (RuntimeInterfaceClientProcess lambda = RuntimeInterfaceClientProcess
                .start(BrokenInitHandler.class.getName() + "::handleRequest", Map.of())) {

            assertThatThrownBy(() -> lambda.invoke("{}", Duration.ofSeconds(20)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("init error")
                    .hasMessageContaining("DB_SECRET_ARN is not set");
            assertThat(lambda.initError()).hasValueSatisfying(error -> {
                assertThat(error.errorType()).isEqualTo("Runtime.BadFunctionCode");
                assertThat(error.json().get("errorMessage").asText()).isEqualTo("DB_SECRET_ARN is not set");
            });
            assertThat(lambda.isAlive()).as("the RIC exits after an init error").isFalse();
        }
    }

    @Test
    void the_fake_secrets_managers_environment_configures_a_default_sdk_client_in_the_child()
            throws InterruptedException {
        try (FakeSecretsManager secrets = FakeSecretsManager.start();
             RuntimeInterfaceClientProcess lambda = RuntimeInterfaceClientProcess
                     .builder(SecretReadingHandler.class.getName() + "::handleRequest")
                     .environment(secrets.environment())
                     .environment("SECRET_ID", "skylift/db")
                     .start()) {
            secrets.putSecret("skylift/db", "{\"password\":\"from-the-fake\"}");

            InvocationResult result = lambda.invoke("{}", Duration.ofSeconds(20));

            assertThat(result.isError()).as("error? body: %s; output: %s", result.body(), lambda.output()).isFalse();
            assertThat(result.json().get("password").asText()).isEqualTo("from-the-fake");
            assertThat(secrets.getSecretValueCalls("skylift/db")).isEqualTo(1);
        }
    }
}
