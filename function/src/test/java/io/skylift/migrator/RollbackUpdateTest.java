package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.testkit.CapturedOutput;
import io.skylift.migrator.testkit.LambdaContext;
import io.skylift.migrator.testkit.OutputCaptureExtension;
import io.skylift.migrator.testkit.PostgresExtension;
import io.skylift.migrator.testkit.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * CloudFormation rolls a failed update back by sending the function as it is now (the failed deploy's, whose
 * {@code SKYLIFT_DEPLOY_ID} is the failed deploy's id) an Update with the old properties: the old properties'
 * {@code DeployId} is the function's own, the new one is not. Migrating again would fail again
 * (UPDATE_ROLLBACK_FAILED); it must be answered SUCCESS without the secret or the database. Identity decides, never
 * clocks: a deploy synthesized before another one was deployed is still a forward deploy.
 */
@ExtendWith({OutputCaptureExtension.class, PostgresExtension.class, MigratorFixtureExtension.class})
class RollbackUpdateTest {
    private static final String FAILED_DEPLOY = "2026-11-28T09:15:00Z";
    private static final String EARLIER_DEPLOY = "2026-11-27T17:02:41Z";
    private static final String PHYSICAL_ID = "shop-dev-SchemaMigration";

    private MigratorFixture fixture;

    @BeforeEach
    void setUp(MigratorFixture fixture) {
        this.fixture = fixture;
        // The failed deploy's image and environment: its new migration cannot run.
        fixture.migration("V5__broken.sql", "ALTER TABLE no_such_table ADD COLUMN points int;");
        fixture.environment.put("SKYLIFT_DEPLOY_ID", FAILED_DEPLOY);
    }

    private JsonNode onlyAnswer() {
        List<RecordedRequest> requests = fixture.responseUrl.requests();
        assertThat(requests).as("exactly one answer per event").hasSize(1);
        return requests.get(0).json();
    }

    @Test
    void a_rollback_update_answers_success_with_the_data_keys_and_leaves_the_database_untouched(
            CapturedOutput output) {
        invoke(fixture.handler(), fixture.updateEvent(PHYSICAL_ID, EARLIER_DEPLOY, FAILED_DEPLOY),
                LambdaContext.generous());

        JsonNode body = onlyAnswer();
        assertThat(body.get("Status").asText()).isEqualTo("SUCCESS");
        assertThat(body.get("PhysicalResourceId").asText()).isEqualTo(PHYSICAL_ID);
        assertThat(body.get("Data").get("SchemaVersion").asText()).as("says the version was not read")
                .contains("not read");
        assertThat(body.get("Data").get("MigrationsApplied").asText()).isEqualTo("0");
        assertThat(body.get("Reason").asText()).contains("Rollback").contains(EARLIER_DEPLOY)
                .contains(FAILED_DEPLOY);
        assertThat(fixture.database.tableExists("public", "flyway_schema_history"))
                .as("no history table created: nothing connected").isFalse();
        assertThat(fixture.secrets.getSecretValueCalls()).as("Secrets Manager calls").isZero();
        assertThat(output.out()).as("a log line says it was a rollback").contains("Rollback Update")
                .contains("\"command\":\"rollback\"");
    }

    @Test
    void a_rollback_update_is_answered_within_seconds_when_the_database_is_unreachable() {
        // Connection attempts to a closed port are retried until the deadline: a migrate would take ~17 s here.
        fixture.pointSecretAtPort(closedPort());
        LambdaContext context = LambdaContext.withTimeLeft(Duration.ofSeconds(20));

        long start = System.nanoTime();
        invoke(fixture.handler(), fixture.updateEvent(PHYSICAL_ID, EARLIER_DEPLOY, FAILED_DEPLOY), context);
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(onlyAnswer().get("Status").asText()).isEqualTo("SUCCESS");
        assertThat(tookMs).as("answered at once").isLessThan(5_000);
    }

    @Test
    void a_forward_update_carrying_the_functions_own_deploy_id_migrates_and_fails_on_the_broken_file() {
        invoke(fixture.handler(), fixture.updateEvent(PHYSICAL_ID, FAILED_DEPLOY, EARLIER_DEPLOY),
                LambdaContext.generous());

        JsonNode body = onlyAnswer();
        assertThat(body.get("Status").asText()).isEqualTo("FAILED");
        assertThat(body.get("Reason").asText()).contains("V5 (V5__broken.sql)");
        assertThat(fixture.database.schemaHistory()).extracting(row -> row.get("version")).contains("4")
                .doesNotContain("5");
    }

    @Test
    void the_interleaved_deploy_whose_synthesis_is_older_than_the_deployed_one_migrates() {
        // The pipeline synthesized at 09:50; someone deployed from a workstation at 10:05; then the pipeline's deploy
        // updates the function (SKYLIFT_DEPLOY_ID 09:50) and sends an Update whose DeployId is earlier than the old one.
        String pipeline = "2026-11-28T09:50:00Z";
        String workstation = "2026-11-28T10:05:00Z";
        fixture.removeMigration("V5__broken.sql");
        fixture.migration("V5__add_loyalty_points.sql", "ALTER TABLE customers ADD COLUMN points int;");
        fixture.environment.put("SKYLIFT_DEPLOY_ID", pipeline);

        invoke(fixture.handler(), fixture.updateEvent(PHYSICAL_ID, pipeline, workstation), LambdaContext.generous());

        JsonNode body = onlyAnswer();
        assertThat(body.get("Status").asText()).as(body.toString()).isEqualTo("SUCCESS");
        assertThat(body.get("Data").get("SchemaVersion").asText()).isEqualTo("5");
        assertThat(fixture.database.schemaHistory()).extracting(row -> row.get("version")).contains("5");
    }

    @Test
    void a_rollback_whose_old_deploy_id_is_the_later_clock_is_still_a_rollback() {
        // The failed deploy (the function's own) was synthesized before the one being rolled back to.
        String failed = "2026-11-28T09:50:00Z";
        String rolledBackTo = "2026-11-28T10:05:00Z";
        fixture.environment.put("SKYLIFT_DEPLOY_ID", failed);

        invoke(fixture.handler(), fixture.updateEvent(PHYSICAL_ID, rolledBackTo, failed), LambdaContext.generous());

        assertThat(onlyAnswer().get("Status").asText()).isEqualTo("SUCCESS");
        assertThat(fixture.database.tableExists("public", "flyway_schema_history")).as("nothing connected").isFalse();
    }

    @Test
    void without_skylift_deploy_id_every_update_migrates(CapturedOutput output) {
        fixture.environment.remove("SKYLIFT_DEPLOY_ID");

        invoke(fixture.handler(), fixture.updateEvent(PHYSICAL_ID, EARLIER_DEPLOY, FAILED_DEPLOY),
                LambdaContext.generous());

        assertThat(onlyAnswer().get("Reason").asText()).as("it migrated, and the broken file failed it")
                .contains("V5 (V5__broken.sql)");
        assertThat(output.out()).contains("SKYLIFT_DEPLOY_ID is not set");
    }

    @ParameterizedTest(name = "DeployId {0}, old DeployId {1}")
    @CsvSource(nullValues = "absent", value = {
            "2026-11-28T09:15:00Z, absent",
            "2026-11-28T09:15:00Z, 2026-11-28T09:15:00Z",
            "2026-11-28T09:15:00Z, 2026-11-29T08:00:00Z",
            "2026-11-28T09:15:00Z, not-a-time",
            "absent, absent",
            "2026-11-27T17:02:41Z, 2026-11-28T08:00:00Z",
            "absent, 2026-11-27T17:02:41Z"})
    void an_update_whose_old_deploy_id_is_not_the_functions_own_or_whose_new_one_is_migrates(String deployId,
                                                                                              String oldDeployId) {
        invoke(fixture.handler(), fixture.updateEvent(PHYSICAL_ID, deployId, oldDeployId), LambdaContext.generous());

        JsonNode body = onlyAnswer();
        assertThat(body.get("Status").asText()).as("it migrated, and the broken file failed it").isEqualTo("FAILED");
        assertThat(body.get("Reason").asText()).contains("V5 (V5__broken.sql)");
        assertThat(fixture.database.tableExists("public", "flyway_schema_history")).isTrue();
    }

    @ParameterizedTest(name = "DeployId {0}")
    @CsvSource(nullValues = "absent", value = {"absent", "2026-11-29T08:00:00Z", "not-a-time"})
    void an_update_whose_old_deploy_id_is_the_functions_own_and_whose_new_one_is_not_is_a_rollback(
            String deployId) {
        invoke(fixture.handler(), fixture.updateEvent(PHYSICAL_ID, deployId, FAILED_DEPLOY), LambdaContext.generous());

        assertThat(onlyAnswer().get("Status").asText()).isEqualTo("SUCCESS");
        assertThat(fixture.database.tableExists("public", "flyway_schema_history")).isFalse();
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
