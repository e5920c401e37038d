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
 * CloudFormation rolls a failed update back by sending the function as it is now an Update with the old properties:
 * its DeployId is earlier than the old one. Migrating again would fail again (UPDATE_ROLLBACK_FAILED); it must be
 * answered SUCCESS without the secret or the database.
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
        // The failed deploy's image: its new migration cannot run.
        fixture.migration("V5__broken.sql", "ALTER TABLE no_such_table ADD COLUMN points int;");
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
    void a_forward_update_with_a_later_deploy_id_migrates_and_fails_on_the_broken_file() {
        invoke(fixture.handler(), fixture.updateEvent(PHYSICAL_ID, FAILED_DEPLOY, EARLIER_DEPLOY),
                LambdaContext.generous());

        JsonNode body = onlyAnswer();
        assertThat(body.get("Status").asText()).isEqualTo("FAILED");
        assertThat(body.get("Reason").asText()).contains("V5 (V5__broken.sql)");
        assertThat(fixture.database.schemaHistory()).extracting(row -> row.get("version")).contains("4")
                .doesNotContain("5");
    }

    @ParameterizedTest(name = "DeployId {0}, old DeployId {1}")
    @CsvSource(nullValues = "absent", value = {
            "absent, 2026-11-28T09:15:00Z",
            "2026-11-27T17:02:41Z, absent",
            "absent, absent",
            "yesterday, 2026-11-28T09:15:00Z",
            "2026-11-27T17:02:41Z, 1732780800",
            "2026-11-27 17:02:41, 2026-11-28T09:15:00Z",
            "2026-11-28T09:15:00Z, 2026-11-28T09:15:00Z"})
    void an_update_without_two_comparable_deploy_ids_migrates(String deployId, String oldDeployId) {
        invoke(fixture.handler(), fixture.updateEvent(PHYSICAL_ID, deployId, oldDeployId), LambdaContext.generous());

        JsonNode body = onlyAnswer();
        assertThat(body.get("Status").asText()).as("it migrated, and the broken file failed it").isEqualTo("FAILED");
        assertThat(body.get("Reason").asText()).contains("V5 (V5__broken.sql)");
        assertThat(fixture.database.tableExists("public", "flyway_schema_history")).isTrue();
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
