package io.skylift.migrator.startup;

import static org.assertj.core.api.Assertions.assertThat;

import io.skylift.migrator.config.Settings;
import io.skylift.migrator.database.SaltedPasswords;
import io.skylift.migrator.database.TrustedRoots;
import io.skylift.migrator.secrets.CachingSecretSource;
import io.skylift.migrator.secrets.DefaultTrust;
import io.skylift.migrator.secrets.SecretsManagerSource;
import io.skylift.migrator.testkit.FakeSecretsManager;
import io.skylift.migrator.testkit.TestCertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the function prepares while it is constructed, before any invocation needs it. */
class StartupWarmUpTest {
    private final FakeSecretsManager secretsManager = FakeSecretsManager.start();
    private final AtomicInteger clientBuilds = new AtomicInteger();
    private final SecretsManagerSource secrets = new SecretsManagerSource(() -> {
        clientBuilds.incrementAndGet();
        return secretsManager.client();
    });
    private final CachingSecretSource cache = new CachingSecretSource(secrets);
    private final Map<String, String> environment = new HashMap<>();
    private Path bundle;

    @TempDir
    Path taskRoot;

    @BeforeEach
    void setUp() throws Exception {
        bundle = taskRoot.resolve(Settings.RDS_CA_BUNDLE);
        Files.createDirectories(bundle.getParent());
        TestCertificateAuthority.create("Warm-up CA").writeCertificate(bundle);
        environment.put("DB_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf");
        environment.put("LAMBDA_TASK_ROOT", taskRoot.toString());
    }

    @AfterEach
    void tearDown() {
        secretsManager.close();
    }

    @Test
    void the_secrets_client_and_the_databases_ca_bundle_are_ready_before_an_invocation_needs_them() throws Exception {
        assertThat(TrustedRoots.isLoaded(bundle)).isFalse();

        joinAll(StartupWarmUp.start(environment, secrets, cache));

        assertThat(clientBuilds.get()).isEqualTo(1);
        assertThat(TrustedRoots.isLoaded(bundle)).as("parsed once, ahead of the first connection").isTrue();
        assertThat(SaltedPasswords.installed()).as("warm logins will reuse their SCRAM key").isTrue();
        assertThat(DefaultTrust.isLoaded()).as("the trust store for the Secrets Manager client's HTTPS").isTrue();
    }

    @Test
    void without_tls_no_bundle_is_read() throws Exception {
        environment.put("DB_SSL_MODE", "disable");

        joinAll(StartupWarmUp.start(environment, secrets, cache));

        assertThat(TrustedRoots.isLoaded(bundle)).isFalse();
    }

    @Test
    void a_configuration_the_invocation_will_refuse_starts_nothing_and_throws_nothing() {
        environment.remove("DB_SECRET_ARN");

        assertThat(StartupWarmUp.start(environment, secrets, cache)).isEmpty();
        assertThat(clientBuilds.get()).as("the invocation reports the error").isZero();
    }

    @Test
    void a_bundle_that_cannot_be_read_is_left_for_the_invocation_to_report() throws Exception {
        Files.writeString(bundle, "not a certificate");

        joinAll(StartupWarmUp.start(environment, secrets, cache));

        assertThat(TrustedRoots.isLoaded(bundle)).isFalse();
    }

    @Test
    void the_databases_and_the_placeholder_secrets_are_read_once_ahead_of_the_invocation() throws Exception {
        String database = secretsManager.putSecret("shop/db", "{\"password\":\"db-Pa55\"}");
        String app = secretsManager.putSecret("shop/app", "{\"password\":\"app-Pa55\"}");
        environment.put("DB_SECRET_ARN", database);
        environment.put("PLACEHOLDER_SECRET_APP_PASSWORD", app + "#password");

        joinAll(StartupWarmUp.start(environment, secrets, cache));

        assertThat(secretsManager.getSecretValueCalls(database)).isEqualTo(1);
        assertThat(secretsManager.getSecretValueCalls(app)).isEqualTo(1);
        assertThat(cache.read(database, Duration.ofMinutes(5))).contains("db-Pa55");
        assertThat(cache.read(app, Duration.ofMinutes(5))).contains("app-Pa55");
        assertThat(secretsManager.getSecretValueCalls(database)).as("the invocation's read came from the cache")
                .isEqualTo(1);
    }

    private static void joinAll(List<Thread> threads) throws InterruptedException {
        for (Thread thread : threads) {
            thread.join(20_000);
            assertThat(thread.isAlive()).as(thread.getName() + " finished").isFalse();
        }
    }
}
