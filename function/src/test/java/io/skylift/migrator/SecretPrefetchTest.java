package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invokeJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skylift.migrator.testkit.PostgresExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What Lambda's init phase starts: the secrets the configuration names, read before the first event arrives. */
@ExtendWith({PostgresExtension.class, MigratorFixtureExtension.class})
class SecretPrefetchTest {
    private MigratorFixture fixture;

    @BeforeEach
    void setUp(MigratorFixture fixture) {
        this.fixture = fixture;
    }

    @Test
    void the_databases_and_the_placeholder_secrets_are_read_once_ahead_of_the_invocation() throws Exception {
        MigratorHandler handler = fixture.handler();

        joinAll(handler.prefetchSecrets());
        assertThat(fixture.secrets.getSecretValueCalls(MigratorFixture.DB_SECRET)).isEqualTo(1);
        assertThat(fixture.secrets.getSecretValueCalls(MigratorFixture.APP_SECRET)).isEqualTo(1);

        assertThat(invokeJson(handler, "{}").get("schemaVersion").asText()).isEqualTo("4");
        assertThat(fixture.secrets.getSecretValueCalls(MigratorFixture.DB_SECRET))
                .as("the invocation's read came from the cache").isEqualTo(1);
        assertThat(fixture.secrets.getSecretValueCalls(MigratorFixture.APP_SECRET)).isEqualTo(1);
    }

    @Test
    void a_configuration_the_invocation_will_refuse_starts_nothing_and_throws_nothing() {
        fixture.environment.remove("DB_SECRET_ARN");

        assertThat(fixture.handler().prefetchSecrets()).isEmpty();
        assertThat(fixture.secrets.getSecretValueCalls(MigratorFixture.APP_SECRET)).isZero();
    }

    @Test
    void a_prefetch_that_fails_is_left_for_the_invocation_to_repeat_and_report() throws Exception {
        fixture.secrets.denyAccess(MigratorFixture.DB_SECRET);
        MigratorHandler handler = fixture.handler();

        joinAll(handler.prefetchSecrets());

        assertThatThrownBy(() -> invokeJson(handler, "{}"))
                .isInstanceOf(InvocationFailedException.class).hasMessageContaining("secretsmanager:GetSecretValue");
        assertThat(fixture.secrets.getSecretValueCalls(MigratorFixture.DB_SECRET))
                .as("asked again by the invocation").isEqualTo(2);
    }

    @Test
    void with_iam_authentication_the_master_secret_is_not_read_ahead_only_the_placeholder_secrets() throws Exception {
        fixture.environment.putAll(Map.of("DB_IAM_USER", "skylift_migrator", "DB_HOST", "db.example",
                "DB_PORT", "5432", "DB_NAME", "shop", "AWS_REGION", "eu-west-1"));

        joinAll(fixture.handler().prefetchSecrets());

        assertThat(fixture.secrets.getSecretValueCalls(MigratorFixture.DB_SECRET))
                .as("read only if the migration role must be set up").isZero();
        assertThat(fixture.secrets.getSecretValueCalls(MigratorFixture.APP_SECRET)).isEqualTo(1);
    }

    private static void joinAll(List<Thread> threads) throws InterruptedException {
        for (Thread thread : threads) {
            thread.join(20_000);
            assertThat(thread.isAlive()).as(thread.getName() + " finished").isFalse();
        }
    }
}
