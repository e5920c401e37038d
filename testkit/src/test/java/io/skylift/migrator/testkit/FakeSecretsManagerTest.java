package io.skylift.migrator.testkit;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FakeSecretsManagerTest {

    private static final String SECRET = "{\"username\":\"app\",\"password\":\"s3cr3t\"}";

    @Test
    void the_real_sdk_client_reads_a_secret_by_name_and_by_arn() {
        try (FakeSecretsManager secrets = FakeSecretsManager.start(); SecretsManagerClient client = secrets.client()) {
            String arn = secrets.putSecret("skylift/db", SECRET);

            GetSecretValueResponse byName = client.getSecretValue(r -> r.secretId("skylift/db"));
            GetSecretValueResponse byArn = client.getSecretValue(r -> r.secretId(arn));

            assertThat(arn).matches("arn:aws:secretsmanager:us-east-1:123456789012:secret:skylift/db-[A-Za-z]{6}");
            assertThat(byName.secretString()).isEqualTo(SECRET);
            assertThat(byName.arn()).isEqualTo(arn);
            assertThat(byName.name()).isEqualTo("skylift/db");
            assertThat(byName.versionStages()).containsExactly("AWSCURRENT");
            assertThat(byName.versionId()).isNotBlank();
            assertThat(byName.createdDate()).isNotNull();
            assertThat(byArn.secretString()).isEqualTo(SECRET);
            assertThat(secrets.getSecretValueCalls("skylift/db")).isEqualTo(2);
            assertThat(secrets.getSecretValueCalls(arn)).isEqualTo(2);
        }
    }

    @Test
    void a_secret_stored_under_an_arn_is_found_by_that_arn_and_by_its_name() {
        try (FakeSecretsManager secrets = FakeSecretsManager.start(); SecretsManagerClient client = secrets.client()) {
            String arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/aurora-master-Xy12Ab";
            assertThat(secrets.putSecret(arn, SECRET)).isEqualTo(arn);

            assertThat(client.getSecretValue(r -> r.secretId(arn)).name()).isEqualTo("prod/aurora-master");
            assertThat(client.getSecretValue(r -> r.secretId("prod/aurora-master")).arn()).isEqualTo(arn);
        }
    }

    @Test
    void putting_a_secret_again_is_a_rotation_with_a_new_version() {
        try (FakeSecretsManager secrets = FakeSecretsManager.start(); SecretsManagerClient client = secrets.client()) {
            secrets.putSecret("skylift/db", SECRET);
            GetSecretValueResponse before = client.getSecretValue(r -> r.secretId("skylift/db"));

            secrets.putSecret("skylift/db", "{\"password\":\"rotated\"}");
            GetSecretValueResponse after = client.getSecretValue(r -> r.secretId("skylift/db"));

            assertThat(after.secretString()).isEqualTo("{\"password\":\"rotated\"}");
            assertThat(after.versionId()).isNotEqualTo(before.versionId());
            assertThat(after.arn()).isEqualTo(before.arn());
        }
    }

    @Test
    void a_missing_secret_is_the_sdks_resource_not_found_exception_and_is_counted() {
        try (FakeSecretsManager secrets = FakeSecretsManager.start(); SecretsManagerClient client = secrets.client()) {
            assertThatThrownBy(() -> client.getSecretValue(r -> r.secretId("nope")))
                    .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFoundException");
                        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Secrets Manager can't find the specified secret.");
                    });
            assertThat(secrets.getSecretValueCalls("nope")).isEqualTo(1);
        }
    }

    @Test
    void a_denied_secret_is_a_secrets_manager_exception_with_code_access_denied_and_can_be_allowed_again() {
        try (FakeSecretsManager secrets = FakeSecretsManager.start(); SecretsManagerClient client = secrets.client()) {
            String arn = secrets.putSecret("skylift/db", SECRET);
            secrets.denyAccess("skylift/db");

            assertThatThrownBy(() -> client.getSecretValue(r -> r.secretId(arn)))
                    .isInstanceOfSatisfying(SecretsManagerException.class, e -> {
                        assertThat(e).isNotInstanceOf(ResourceNotFoundException.class);
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                        assertThat(e.awsErrorDetails().errorMessage()).contains("is not authorized to perform: secretsmanager:GetSecretValue");
                    });
            assertThat(secrets.getSecretValueCalls(arn)).as("a denied call is counted, and not retried by the SDK").isEqualTo(1);

            secrets.allowAccess(arn);
            assertThat(client.getSecretValue(r -> r.secretId(arn)).secretString()).isEqualTo(SECRET);
        }
    }

    @Test
    void denying_a_secret_before_it_exists_holds_once_it_is_put() {
        try (FakeSecretsManager secrets = FakeSecretsManager.start(); SecretsManagerClient client = secrets.client()) {
            secrets.denyAccess("later");
            secrets.putSecret("later", SECRET);

            assertThatThrownBy(() -> client.getSecretValue(r -> r.secretId("later")))
                    .isInstanceOfSatisfying(SecretsManagerException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException"));
        }
    }

    @Test
    void the_environment_points_a_default_sdk_client_at_the_fake() {
        try (FakeSecretsManager secrets = FakeSecretsManager.start()) {
            assertThat(secrets.environment())
                    .containsEntry("AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.endpoint().toString())
                    .containsEntry("AWS_REGION", "us-east-1")
                    .containsKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
            assertThat(secrets.endpoint().getHost()).isEqualTo("127.0.0.1");
        }
    }
}
