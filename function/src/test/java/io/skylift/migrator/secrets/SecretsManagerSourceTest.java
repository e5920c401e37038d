package io.skylift.migrator.secrets;

import io.skylift.migrator.failure.SecretReadException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skylift.migrator.testkit.FakeSecretsManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The SDK client against a local endpoint that speaks Secrets Manager's JSON protocol. */
class SecretsManagerSourceTest {
    private final FakeSecretsManager secretsManager = FakeSecretsManager.start();

    @AfterEach
    void tearDown() {
        secretsManager.close();
    }

    @Test
    void reads_a_secret_string_by_arn_and_by_name() {
        String arn = secretsManager.putSecret("shop/db", "{\"password\":\"p\\\"w\"}");
        SecretsManagerSource source = new SecretsManagerSource(secretsManager::client);

        assertThat(source.read(arn)).isEqualTo("{\"password\":\"p\\\"w\"}");
        assertThat(source.read("shop/db")).isEqualTo("{\"password\":\"p\\\"w\"}");
        assertThat(secretsManager.getSecretValueCalls(arn)).isEqualTo(2);
    }

    @Test
    void a_missing_secret_is_named_with_what_to_check() {
        assertThatThrownBy(() -> new SecretsManagerSource(secretsManager::client).read("no/such/secret"))
                .isInstanceOf(SecretReadException.class)
                .hasMessageContaining("'no/such/secret' was not found");
    }

    @Test
    void access_denied_names_the_permission_to_grant() {
        secretsManager.putSecret("shop/db", "{}");
        secretsManager.denyAccess("shop/db");
        assertThatThrownBy(() -> new SecretsManagerSource(secretsManager::client).read("shop/db"))
                .isInstanceOf(SecretReadException.class)
                .hasMessageContaining("secretsmanager:GetSecretValue");
    }

    @Test
    void an_unreachable_endpoint_is_reported_with_the_vpc_hint() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        SecretsManagerSource source = new SecretsManagerSource(() -> SecretsManagerClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + closedPort))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .httpClient(UrlConnectionHttpClient.create())
                .build());
        assertThatThrownBy(() -> source.read("shop/db"))
                .isInstanceOf(SecretReadException.class)
                .hasMessageContaining("'shop/db'")
                .hasMessageContaining("interface endpoint");
    }

    @Test
    void the_client_is_built_once_on_the_first_read() {
        secretsManager.putSecret("shop/db", "value");
        AtomicInteger builds = new AtomicInteger();
        SecretsManagerSource source = new SecretsManagerSource(() -> {
            builds.incrementAndGet();
            return secretsManager.client();
        });
        assertThat(builds.get()).as("nothing built before a secret is needed").isZero();
        assertThat(source.read("shop/db")).isEqualTo("value");
        assertThat(source.read("shop/db")).isEqualTo("value");
        assertThat(builds.get()).isEqualTo(1);
    }

    @Test
    void reads_at_the_same_time_share_one_client() throws Exception {
        secretsManager.putSecret("shop/db", "value");
        secretsManager.putSecret("shop/app", "other");
        AtomicInteger builds = new AtomicInteger();
        SecretsManagerSource source = new SecretsManagerSource(() -> {
            builds.incrementAndGet();
            return secretsManager.client();
        });

        Thread other = Thread.ofPlatform().start(() -> source.read("shop/app"));
        assertThat(source.read("shop/db")).isEqualTo("value");
        other.join(10_000);
        assertThat(builds.get()).as("the second read waited for the first one's client").isEqualTo(1);
    }

    @Test
    void a_failed_build_is_reported_by_the_read_and_tried_again_by_the_next() {
        secretsManager.putSecret("shop/db", "value");
        AtomicInteger builds = new AtomicInteger();
        SecretsManagerSource source = new SecretsManagerSource(() -> {
            if (builds.incrementAndGet() == 1) {
                throw SdkClientException.create("Unable to load region");
            }
            return secretsManager.client();
        });

        assertThatThrownBy(() -> source.read("shop/db")).isInstanceOf(SecretReadException.class)
                .hasMessageContaining("Unable to load region");
        assertThat(source.read("shop/db")).isEqualTo("value");
        assertThat(builds.get()).isEqualTo(2);
    }

    @Test
    void a_client_that_cannot_be_built_is_reported_when_a_secret_is_read() {
        SecretsManagerSource source = new SecretsManagerSource(() -> {
            throw SdkClientException.create("Unable to load region");
        });
        assertThatThrownBy(() -> source.read("shop/db"))
                .isInstanceOf(SecretReadException.class)
                .hasMessageContaining("Unable to load region");
    }
}
