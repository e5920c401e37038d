package io.skylift.migrator.secrets;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * Reads secrets with the AWS SDK's Secrets Manager client, built with the standard SDK configuration and the light
 * URL-connection HTTP client, so {@code AWS_REGION}, {@code AWS_ENDPOINT_URL_SECRETS_MANAGER} and the Lambda role's
 * credentials work unchanged.
 *
 * <p>Building the client is a large part of a cold start (the SDK loads and initializes hundreds of classes).
 * {@link #prepare()} starts it on a background thread, so it overlaps the runtime's own start and the parsing of the
 * event; nothing waits for it until a secret is read, and a Delete event never does.
 */
public final class SecretsManagerSource implements SecretSource {
    private final Supplier<SecretsManagerClient> clientFactory;
    private CompletableFuture<SecretsManagerClient> client;

    /** The standard SDK configuration with the URL-connection HTTP client. */
    public SecretsManagerSource() {
        this(() -> SecretsManagerClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .build());
    }

    /** For tests: a client pointed at a local endpoint. */
    public SecretsManagerSource(Supplier<SecretsManagerClient> clientFactory) {
        this.clientFactory = Objects.requireNonNull(clientFactory, "clientFactory must not be null");
    }

    /** Starts building the client in the background, if not started yet; returns at once. */
    public synchronized SecretsManagerSource prepare() {
        if (client == null) {
            client = CompletableFuture.supplyAsync(clientFactory, runnable ->
                    Thread.ofPlatform().daemon().name("skylift-sdk-init").start(runnable));
        }
        return this;
    }

    @Override
    public String read(String secretId) {
        GetSecretValueResponse response;
        try {
            response = client().getSecretValue(r -> r.secretId(secretId));
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

    private SecretsManagerClient client() {
        CompletableFuture<SecretsManagerClient> building;
        synchronized (this) {
            building = prepare().client;
        }
        try {
            return building.join();
        } catch (CompletionException e) {
            // Building failed (no region, say): rethrow the SDK's own exception for read() to explain.
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }
}
