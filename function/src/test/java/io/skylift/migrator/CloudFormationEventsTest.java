package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.testkit.CapturedOutput;
import io.skylift.migrator.testkit.LambdaContext;
import io.skylift.migrator.testkit.OutputCaptureExtension;
import io.skylift.migrator.testkit.PostgresExtension;
import io.skylift.migrator.testkit.RecordedRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith({OutputCaptureExtension.class, PostgresExtension.class, MigratorFixtureExtension.class})
class CloudFormationEventsTest {
    private MigratorFixture fixture;

    @BeforeEach
    void setUp(MigratorFixture fixture) {
        this.fixture = fixture;
    }

    private RecordedRequest onlyAnswer() {
        List<RecordedRequest> requests = fixture.responseUrl.requests();
        assertThat(requests).as("exactly one answer per event").hasSize(1);
        return requests.get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Create", "Update"})
    void create_and_update_migrate_and_answer_success_with_the_schema_version(String requestType) {
        String physicalId = requestType.equals("Update") ? "shop-dev-SchemaMigration" : null;
        invoke(fixture.handler(), fixture.cloudFormationEvent(requestType, physicalId), LambdaContext.generous());

        RecordedRequest answer = onlyAnswer();
        assertThat(answer.method()).isEqualTo("PUT");
        assertThat(answer.path()).isEqualTo("/cfn-answer");
        JsonNode body = answer.json();
        assertThat(body.get("Status").asText()).isEqualTo("SUCCESS");
        assertThat(body.get("PhysicalResourceId").asText()).isEqualTo("shop-dev-SchemaMigration");
        assertThat(body.get("StackId").asText()).endsWith("stack/shop-dev/5b6c7d80");
        assertThat(body.get("LogicalResourceId").asText()).isEqualTo("SchemaMigration");
        assertThat(body.get("RequestId").asText()).isNotBlank();
        assertThat(body.get("Data").get("SchemaVersion").asText()).isEqualTo("4");
        assertThat(body.get("Data").get("MigrationsApplied").asText()).isEqualTo("5");
        assertThat(answer.body().length).isLessThanOrEqualTo(4096);
        assertThat(fixture.database.tableExists("public", "orders")).isTrue();
    }

    @Test
    void the_put_has_a_content_length_and_no_content_type_as_presigned_s3_urls_expect() {
        invoke(fixture.handler(), fixture.cloudFormationEvent("Create", null), LambdaContext.generous());
        RecordedRequest answer = onlyAnswer();
        assertThat(answer.header("Content-Length")).contains(Integer.toString(answer.body().length));
        assertThat(answer.header("Content-Type").orElse("")).isEmpty();
    }

    @Test
    void delete_answers_success_without_the_secret_or_the_database() {
        // The stack may be deleting both: no secret configured, none readable, no database.
        fixture.environment.remove("DB_SECRET_ARN");
        fixture.environment.remove("LAMBDA_TASK_ROOT");
        fixture.secrets.denyAccess(MigratorFixture.DB_SECRET);
        fixture.database.execute("SELECT 1");

        invoke(fixture.handler(), fixture.cloudFormationEvent("Delete", "shop-dev-SchemaMigration"),
                LambdaContext.generous());

        JsonNode body = onlyAnswer().json();
        assertThat(body.get("Status").asText()).isEqualTo("SUCCESS");
        assertThat(body.get("PhysicalResourceId").asText()).isEqualTo("shop-dev-SchemaMigration");
        assertThat(fixture.secrets.getSecretValueCalls()).as("Secrets Manager calls").isZero();
        assertThat(fixture.database.tableExists("public", "flyway_schema_history")).isFalse();
    }

    @Test
    void a_failed_create_answers_failed_with_a_deterministic_id_and_the_failing_migration() {
        fixture.migration("V5__add_loyalty_points.sql", "ALTER TABLE customer ADD COLUMN points int;");

        invoke(fixture.handler(), fixture.cloudFormationEvent("Create", null), LambdaContext.generous());
        JsonNode first = onlyAnswer().json();

        assertThat(first.get("Status").asText()).isEqualTo("FAILED");
        assertThat(first.get("PhysicalResourceId").asText()).isEqualTo("shop-dev-SchemaMigration");
        assertThat(first.get("Reason").asText())
                .contains("V5 (V5__add_loyalty_points.sql)")
                .contains("relation \"customer\" does not exist")
                .contains("42P01");
        assertThat(fixture.database.schemaHistory()).as("V1-V4 stay, V5 is not recorded")
                .extracting(row -> row.get("version")).contains("4").doesNotContain("5");
    }

    @Test
    void update_and_delete_echo_the_events_physical_id() {
        invoke(fixture.handler(), fixture.cloudFormationEvent("Update", "an-id-from-an-earlier-version"),
                LambdaContext.generous());
        invoke(fixture.handler(), fixture.cloudFormationEvent("Delete", "an-id-from-an-earlier-version"),
                LambdaContext.generous());
        assertThat(fixture.responseUrl.requests()).extracting(r -> r.json().get("PhysicalResourceId").asText())
                .containsExactly("an-id-from-an-earlier-version", "an-id-from-an-earlier-version");
    }

    @Test
    void an_event_whose_response_url_is_not_amazon_s3_migrates_nothing_and_sends_nothing(CapturedOutput output) {
        String event = fixture.cloudFormationEvent("Create", null)
                .replace(fixture.responseUrl.url("/cfn-answer"), "http://169.254.169.254/latest/api/token");

        invoke(fixture.handler(), event, LambdaContext.generous());

        assertThat(fixture.responseUrl.requests()).isEmpty();
        assertThat(fixture.database.tableExists("public", "flyway_schema_history")).as("nothing migrated").isFalse();
        assertThat(output.out()).contains("Refused the event: the ResponseURL's scheme is 'http'")
                .contains("nothing was migrated and no answer was sent");
    }

    @Test
    void an_unknown_request_type_is_answered_failed() {
        invoke(fixture.handler(), fixture.cloudFormationEvent("Replace", "x"), LambdaContext.generous());
        JsonNode body = onlyAnswer().json();
        assertThat(body.get("Status").asText()).isEqualTo("FAILED");
        assertThat(body.get("Reason").asText()).contains("Unknown RequestType 'Replace'");
    }

    @Test
    void any_failure_is_answered_and_the_handler_returns_normally() {
        // A broken configuration would throw while building the migrator: it must still become an answer.
        fixture.environment.put("DB_SSL_MODE", "sometimes");
        String output = invoke(fixture.handler(), fixture.cloudFormationEvent("Create", null), LambdaContext.generous());
        JsonNode body = onlyAnswer().json();
        assertThat(body.get("Status").asText()).isEqualTo("FAILED");
        assertThat(body.get("Reason").asText()).contains("DB_SSL_MODE is 'sometimes'");
        assertThat(output).contains("\"FAILED\"");
    }

    @Test
    void the_put_is_retried_on_5xx_and_dropped_connections_until_it_succeeds() {
        fixture.responseUrl.failNext(2, 503);
        invoke(fixture.handler(), fixture.cloudFormationEvent("Create", null), LambdaContext.generous());
        List<RecordedRequest> attempts = fixture.responseUrl.requests();
        assertThat(attempts).hasSize(3);
        assertThat(attempts).extracting(RecordedRequest::bodyText).as("the same answer each time").containsOnly(
                attempts.get(2).bodyText());
        assertThat(attempts.get(2).json().get("Status").asText()).isEqualTo("SUCCESS");
    }

    @Test
    void a_rollback_update_with_newer_versions_in_the_database_succeeds_and_undoes_nothing() {
        fixture.migration("V5__add_loyalty_points.sql", "ALTER TABLE customers ADD COLUMN points int NOT NULL DEFAULT 0;");
        invoke(fixture.handler(), fixture.cloudFormationEvent("Create", null), LambdaContext.generous());
        // The previous image: it does not know V5.
        fixture.removeMigration("V5__add_loyalty_points.sql");

        invoke(fixture.handler(), fixture.cloudFormationEvent("Update", "shop-dev-SchemaMigration"),
                LambdaContext.generous());

        List<RecordedRequest> answers = fixture.responseUrl.requests();
        JsonNode body = answers.get(answers.size() - 1).json();
        assertThat(body.get("Status").asText()).isEqualTo("SUCCESS");
        assertThat(body.get("Data").get("MigrationsApplied").asText()).isEqualTo("0");
        assertThat(body.get("Data").get("SchemaVersion").asText()).isEqualTo("5");
        assertThat(fixture.database.query("SELECT column_name FROM information_schema.columns "
                + "WHERE table_name = 'customers' AND column_name = 'points'")).hasSize(1);
    }

    @Test
    void the_deadline_watchdog_cancels_a_slow_migration_and_answers_failed_before_the_deadline() {
        fixture.migration("V5__rebuild_everything.sql", "CREATE TABLE slow_marker (id int); SELECT pg_sleep(60);");
        fixture.environment.put("DEADLINE_MARGIN_MS", "3000");
        LambdaContext context = LambdaContext.withTimeLeft(Duration.ofSeconds(9));

        long start = System.nanoTime();
        invoke(fixture.handler(), fixture.cloudFormationEvent("Create", null), context);
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(context.getRemainingTimeInMillis()).as("answered before the Lambda deadline").isGreaterThan(0);
        assertThat(tookMs).isLessThan(9_000);
        JsonNode body = onlyAnswer().json();
        assertThat(body.get("Status").asText()).isEqualTo("FAILED");
        assertThat(body.get("Reason").asText()).contains("V5 (V5__rebuild_everything.sql)").contains("deadline");
        assertThat(fixture.database.tableExists("public", "slow_marker")).as("rolled back").isFalse();
        assertThat(fixture.database.schemaHistory()).extracting(row -> row.get("version")).doesNotContain("5");
        assertThat(fixture.database.query("SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%'"
                + " AND pid <> pg_backend_pid()")).containsExactly(Map.of("n", 0L));
    }
}
