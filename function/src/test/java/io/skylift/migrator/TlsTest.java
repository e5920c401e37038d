package io.skylift.migrator;

import static io.skylift.migrator.MigratorFixture.invoke;
import static io.skylift.migrator.MigratorFixture.invokeJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.testkit.LambdaContext;
import io.skylift.migrator.testkit.PostgresExtension;
import io.skylift.migrator.testkit.PostgresWithoutTls;
import io.skylift.migrator.testkit.TestCertificateAuthority;
import io.skylift.migrator.testkit.TestDatabase;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database's certificate is verified by default (verify-full against the CA bundle found from LAMBDA_TASK_ROOT,
 * where the fixture puts the test kit's CA as the Dockerfile puts Amazon RDS's). Every way TLS can fail is a
 * permanent failure reported at once with what to check, never minutes of retries as if Aurora were resuming.
 */
@ExtendWith({PostgresExtension.class, MigratorFixtureExtension.class})
class TlsTest {
    /** Far below the retry window of a generous deadline (minutes): a TLS failure must not be retried. */
    // Retries would go on until the generous deadline (minutes); a cold first invocation on a busy machine takes seconds.
    private static final long AT_ONCE_MS = 30_000;

    private MigratorFixture fixture;

    @BeforeEach
    void setUp(MigratorFixture fixture) {
        this.fixture = fixture;
    }

    @Test
    void by_default_migrations_run_over_tls_verified_against_the_bundle_in_the_task_root() {
        assertThat(fixture.environment).doesNotContainKeys("DB_SSL_MODE", "DB_SSL_ROOT_CERT");
        fixture.migration("V5__record_tls.sql",
                "CREATE TABLE tls_seen AS SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid();\n");

        JsonNode result = invokeJson(fixture.handler(), "{}");

        assertThat(result.get("schemaVersion").asText()).isEqualTo("5");
        assertThat(fixture.database.query("SELECT ssl FROM tls_seen")).containsExactly(Map.of("ssl", true));
    }

    @Test
    void an_explicit_ca_bundle_path_is_used(@TempDir Path dir) throws Exception {
        java.nio.file.Files.delete(fixture.taskRoot.resolve(io.skylift.migrator.config.Settings.RDS_CA_BUNDLE));
        Path copy = dir.resolve("our-ca.pem");
        java.nio.file.Files.copy(fixture.database.caCertificate(), copy);
        fixture.environment.put("DB_SSL_ROOT_CERT", copy.toString());

        assertThat(invokeJson(fixture.handler(), "{}").get("schemaVersion").asText()).isEqualTo("4");
    }

    @Test
    void the_bundle_of_the_functions_region_is_preferred_to_the_bundle_of_all_regions() throws Exception {
        Path global = fixture.taskRoot.resolve(io.skylift.migrator.config.Settings.RDS_CA_BUNDLE);
        java.nio.file.Files.move(global,
                fixture.taskRoot.resolve(io.skylift.migrator.config.Settings.regionalCaBundle("eu-west-1")));
        TestCertificateAuthority.create("Not the database's CA").writeCertificate(global);
        fixture.environment.put("AWS_REGION", "eu-west-1");

        assertThat(invokeJson(fixture.handler(), "{}").get("schemaVersion").asText()).isEqualTo("4");

        fixture.environment.put("AWS_REGION", "eu-central-2");
        failsAtOnce().as("another region: the bundle of all regions, here without the database's CA")
                .hasMessageContaining("the CA bundle does not trust").hasMessageContaining(global.toString());
    }

    @Test
    void a_certificate_from_another_ca_fails_at_once_saying_the_bundle_does_not_trust_it(@TempDir Path dir) {
        Path other = TestCertificateAuthority.create("Not the database's CA").writeCertificate(dir.resolve("other.pem"));
        fixture.environment.put("DB_SSL_ROOT_CERT", other.toString());

        failsAtOnce()
                .hasMessageContaining("presented a certificate that the CA bundle does not trust")
                .hasMessageContaining("DB_SSL_ROOT_CERT is " + other)
                .hasMessageContaining("Amazon RDS's CA bundle");
    }

    @Test
    void a_certificate_for_another_host_name_fails_at_once_naming_the_host() {
        TestDatabase elsewhere = fixture.database.withHost("127.0.0.2");
        fixture.secrets.putSecret(MigratorFixture.DB_SECRET, elsewhere.rdsSecretJson());

        failsAtOnce()
                .hasMessageContaining("certificate that does not name the host '127.0.0.2'")
                .hasMessageContaining("cluster's endpoint name")
                .satisfies(e -> assertThat(e.getMessage())
                        .as("verify-ca is no fix: with Amazon RDS's bundle it trusts every RDS endpoint")
                        .doesNotContainIgnoringCase("verify-ca"));
    }

    @Test
    void a_server_without_tls_fails_at_once_and_the_cloudformation_reason_says_so() {
        try (PostgresWithoutTls plain = PostgresWithoutTls.start()) {
            TestDatabase impostor = plain.createDatabase("no_tls");
            fixture.secrets.putSecret(MigratorFixture.DB_SECRET, impostor.rdsSecretJson());

            failsAtOnce()
                    .hasMessageContaining("at 127.0.0.1:" + impostor.port() + " does not offer TLS")
                    .hasMessageContaining("DB_SSL_MODE is verify-full");

            invoke(fixture.handler(), fixture.cloudFormationEvent("Create", null), LambdaContext.generous());
            var answers = fixture.responseUrl.requests();
            JsonNode answer = answers.get(answers.size() - 1).json();
            assertThat(answer.get("Status").asText()).isEqualTo("FAILED");
            assertThat(answer.get("Reason").asText()).contains("does not offer TLS");
            assertThat(impostor.schemaHistory()).as("nothing ran on the server without TLS").isEmpty();
        }
    }

    @Test
    void a_missing_ca_bundle_is_named_before_connecting() {
        fixture.environment.put("DB_SSL_ROOT_CERT", "/nonexistent/rds-ca/global-bundle.pem");

        failsAtOnce()
                .hasMessageContaining("DB_SSL_ROOT_CERT is /nonexistent/rds-ca/global-bundle.pem, which does not exist")
                .hasMessageContaining("Dockerfile");
    }

    @Test
    void a_ca_bundle_that_holds_no_certificate_fails_at_once_naming_the_file(@TempDir Path dir) throws Exception {
        Path garbage = java.nio.file.Files.writeString(dir.resolve("not-a-bundle.pem"), "this is not PEM\n");
        fixture.environment.put("DB_SSL_ROOT_CERT", garbage.toString());

        failsAtOnce()
                .hasMessageContaining("[DATABASE_TLS]")
                .hasMessageContaining("DB_SSL_ROOT_CERT is " + garbage);
    }

    @Test
    void disable_still_reaches_a_local_database_without_tls() {
        try (PostgresWithoutTls plain = PostgresWithoutTls.start()) {
            TestDatabase local = plain.createDatabase("local_no_tls");
            fixture.secrets.putSecret(MigratorFixture.DB_SECRET, local.rdsSecretJson());
            fixture.environment.put("DB_SSL_MODE", "disable");

            assertThat(invokeJson(fixture.handler(), "{}").get("schemaVersion").asText()).isEqualTo("4");
        }
    }

    private AbstractThrowableAssert<?, ? extends Throwable> failsAtOnce() {
        long start = System.nanoTime();
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(
                () -> invoke(fixture.handler(), "{}", LambdaContext.generous()));
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        assertThat(elapsed).as("failed at once, without retrying").isLessThan(AT_ONCE_MS);
        return assertThat(failure).isInstanceOf(InvocationFailedException.class);
    }
}
