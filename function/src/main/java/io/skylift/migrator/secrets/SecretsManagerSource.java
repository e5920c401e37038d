package io.skylift.migrator.secrets;

import io.skylift.migrator.Lazy;
import io.skylift.migrator.failure.SecretReadException;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * Reads secrets with the AWS SDK's Secrets Manager client, built with the standard SDK configuration and the light
 * URL-connection HTTP client (whose HTTPS trusts the JDK's default CAs), so {@code AWS_REGION},
 * {@code AWS_ENDPOINT_URL_SECRETS_MANAGER} and the Lambda role's credentials work unchanged. The client is built on
 * the first read (a Delete event never needs one), which the handler's constructor starts during Lambda's init phase.
 */
public final class SecretsManagerSource implements SecretSource {
    private final Lazy<SecretsManagerClient> client;

    /** The standard SDK configuration with the URL-connection HTTP client. */
    public SecretsManagerSource() {
        this(() -> SecretsManagerClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build());
    }

    /** For tests: a client pointed at a local endpoint. */
    public SecretsManagerSource(Supplier<SecretsManagerClient> clientFactory) {
        this.client = new Lazy<>(Objects.requireNonNull(clientFactory, "clientFactory must not be null"));
    }

    @Override
    public String read(String secretId) {
        GetSecretValueResponse response;
        try {
            response = client.get().getSecretValue(r -> r.secretId(secretId));
        } catch (ResourceNotFoundException e) {
            throw new SecretReadException("Secret '" + secretId + "' was not found: check the ARN or name "
                    + "and that the function runs in the secret's region", e);
        } catch (SecretsManagerException e) {
            String code = e.awsErrorDetails() == null ? "unknown" : e.awsErrorDetails().errorCode();
            if ("AccessDeniedException".equals(code)) {
                throw new SecretReadException("The function may not read secret '" + secretId + "' (AccessDenied): "
                        + "grant its role secretsmanager:GetSecretValue on it, and kms:Decrypt on its key if it "
                        + "uses a customer-managed key", e);
            }
            throw new SecretReadException("Secret '" + secretId + "' could not be read (" + code + ")", e);
        } catch (SdkClientException e) {
            throw new SecretReadException("Secret '" + secretId + "' could not be read from Secrets Manager: "
                    + e.getMessage() + " (in a VPC without NAT, add a Secrets Manager interface endpoint; outside "
                    + "Lambda, set AWS_REGION and credentials)", e);
        }
        if (response.secretString() == null) {
            throw new SecretReadException("Secret '" + secretId + "' has no SecretString (binary secrets are "
                    + "not supported): store the value as a string");
        }
        return response.secretString();
    }
}
