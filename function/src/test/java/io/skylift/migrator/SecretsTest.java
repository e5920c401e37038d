package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invoke;
import static io.skylift.migrator.MigratorFixture.invokeJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.testkit.LambdaContext;
import io.skylift.migrator.testkit.PostgresExtension;
import io.skylift.migrator.testkit.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({PostgresExtension.class, MigratorFixtureExtension.class})
class SecretsTest {
    private MigratorFixture fixture;

    @BeforeEach
    void setUp(MigratorFixture fixture) {
        this.fixture = fixture;
    }

    @Test
    void the_secret_is_read_once_and_cached_across_warm_invocations() {
        MigratorHandler handler = fixture.handler();
        invokeJson(handler, "{}");
        invokeJson(handler, "{\"command\": \"info\"}");
        invokeJson(handler, "{}");
        assertThat(fixture.secrets.getSecretValueCalls(MigratorFixture.DB_SECRET)).isEqualTo(1);
        assertThat(fixture.secrets.getSecretValueCalls(MigratorFixture.APP_SECRET)).isEqualTo(1);
    }

    @Test
    void after_a_rotation_the_secret_is_read_again_once_and_the_run_succeeds() {
        MigratorHandler handler = fixture.handler();
        invokeJson(handler, "{}");
        // Rotation: the database and the secret change; the handler still holds the old value.
        TestDatabase rotated = fixture.database.changePassword("rotated-" + System.nanoTime() + "-Pw");
        fixture.secrets.putSecret(MigratorFixture.DB_SECRET, rotated.rdsSecretJson());

        JsonNode result = invokeJson(handler, "{\"command\": \"info\"}");

        assertThat(result.get("schemaVersion").asText()).isEqualTo("4");
        assertThat(fixture.secrets.getSecretValueCalls(MigratorFixture.DB_SECRET)).isEqualTo(2);
        assertThat(fixture.secrets.getSecretValueCalls(MigratorFixture.APP_SECRET))
                .as("the placeholder secrets are read again too").isEqualTo(2);
    }

    @Test
    void a_rotated_placeholder_secret_is_seen_by_a_warm_function_once_the_cache_time_is_over() throws Exception {
        fixture.environment.put("SECRET_CACHE_TTL_SECONDS", "1");
        MigratorHandler handler = fixture.handler();
        invokeJson(handler, "{}");
        String role = fixture.database.databaseName() + "_app";
        // The application user's secret rotates; nothing tells the migrator (its own login still works).
        String rotated = "rotated-App-Pa55word-" + System.nanoTime();
        fixture.secrets.putSecret(MigratorFixture.APP_SECRET, "{\"username\":\"app\",\"password\":\"" + rotated + "\"}");
        fixture.migration("V5__set_app_password.sql",
                "ALTER ROLE \"" + role + "\" PASSWORD '${app_password_scram}';\n");

        Thread.sleep(1_100);
        invokeJson(handler, "{}");

        assertThat(fixture.secrets.getSecretValueCalls(MigratorFixture.APP_SECRET)).isEqualTo(2);
        try (var connection = java.sql.DriverManager.getConnection(fixture.database.jdbcUrl(), role, rotated)) {
            assertThat(connection.isValid(2)).as("the role has the rotated password").isTrue();
        }
    }

    @Test
    void within_the_cache_time_a_warm_function_reads_no_secret_again() {
        fixture.environment.put("SECRET_CACHE_TTL_SECONDS", "3600");
        MigratorHandler handler = fixture.handler();
        invokeJson(handler, "{}");
        fixture.secrets.putSecret(MigratorFixture.APP_SECRET, "{\"username\":\"app\",\"password\":\"changed-Pa55word\"}");
        invokeJson(handler, "{}");
        assertThat(fixture.secrets.getSecretValueCalls(MigratorFixture.APP_SECRET)).isEqualTo(1);
    }

    @Test
    void a_wrong_password_is_reported_after_one_re_read_and_not_retried_blindly() {
        TestDatabase stale = new TestDatabase(fixture.database.host(), fixture.database.port(),
                fixture.database.databaseName(), fixture.database.username(), "not-the-password",
                fixture.database.caCertificate(), fixture.database.adminUsername(), fixture.database.adminPassword());
        fixture.secrets.putSecret(MigratorFixture.DB_SECRET, stale.rdsSecretJson());

        long start = System.nanoTime();
        assertThatThrownBy(() -> invoke(fixture.handler(), "{}", LambdaContext.generous()))
                .hasMessageContaining("refused user '" + fixture.database.username() + "'")
                .hasMessageContaining("28P01")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-the-password"));
        // Blind retries would go on until the deadline (minutes); a cold first invocation on a busy machine takes seconds.
        assertThat((System.nanoTime() - start) / 1_000_000).as("no blind retries").isLessThan(30_000);
        assertThat(fixture.secrets.getSecretValueCalls(MigratorFixture.DB_SECRET)).isEqualTo(2);
    }

    @Test
    void a_missing_secret_names_the_secret() {
        fixture.environment.put("DB_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:nope-123456");
        assertThatThrownBy(() -> invoke(fixture.handler(), "{}", LambdaContext.generous()))
                .isInstanceOf(InvocationFailedException.class)
                .hasMessageContaining("Secret 'arn:aws:secretsmanager:us-east-1:123456789012:secret:nope-123456' was not found");
    }

    @Test
    void access_denied_says_which_permission_to_grant() {
        fixture.secrets.denyAccess(MigratorFixture.DB_SECRET);
        invoke(fixture.handler(), fixture.cloudFormationEvent("Create", null), LambdaContext.generous());
        JsonNode answer = fixture.responseUrl.requests().get(0).json();
        assertThat(answer.get("Status").asText()).isEqualTo("FAILED");
        assertThat(answer.get("Reason").asText()).contains(MigratorFixture.DB_SECRET)
                .contains("AccessDenied").contains("secretsmanager:GetSecretValue");
    }

    @Test
    void a_secret_that_is_not_json_is_named_without_its_value() {
        fixture.secrets.putSecret(MigratorFixture.DB_SECRET, "password=hunter2-and-more");
        assertThatThrownBy(() -> invoke(fixture.handler(), "{}", LambdaContext.generous()))
                .hasMessageContaining(MigratorFixture.DB_SECRET + "' is not JSON")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void a_secret_missing_keys_names_them() {
        fixture.secrets.putSecret(MigratorFixture.DB_SECRET, "{\"username\":\"u\",\"password\":\"p4ssw0rd-x\"}");
        assertThatThrownBy(() -> invoke(fixture.handler(), "{}", LambdaContext.generous()))
                .hasMessageContaining("lacks 'host' (or DB_HOST), 'port' (or DB_PORT), 'dbname' (or DB_NAME)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("p4ssw0rd-x"));
    }

    @Test
    void a_placeholder_secret_without_its_json_key_names_secret_and_key() {
        fixture.environment.put("PLACEHOLDER_SECRET_APP_PASSWORD", MigratorFixture.APP_SECRET + "#pwd");
        assertThatThrownBy(() -> invoke(fixture.handler(), "{}", LambdaContext.generous()))
                .hasMessageContaining("Secret '" + MigratorFixture.APP_SECRET + "' (placeholder app_password) has no key 'pwd'");
    }
}
