package io.skylift.migrator.secrets;

import io.skylift.migrator.failure.SecretReadException;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
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
 * credentials work unchanged. The client is built on the first read (a Delete event never needs it), or ahead of it
 * in the background ({@link #buildClientInBackground()}).
 */
public final class SecretsManagerSource implements SecretSource {
    private final Supplier<SecretsManagerClient> clientFactory;
    /** Builds the client once, on whichever thread runs it first; replaced after a failed build. */
    private FutureTask<SecretsManagerClient> client;

    /** The standard SDK configuration with the URL-connection HTTP client, trusting the JDK's default CAs. */
    public SecretsManagerSource() {
        this(() -> SecretsManagerClient.builder()
                .httpClient(UrlConnectionHttpClient.builder().tlsTrustManagersProvider(DefaultTrust::managers).build())
                .build());
    }

    /** For tests: a client pointed at a local endpoint. */
    public SecretsManagerSource(Supplier<SecretsManagerClient> clientFactory) {
        this.clientFactory = Objects.requireNonNull(clientFactory, "clientFactory must not be null");
        this.client = new FutureTask<>(clientFactory::get);
    }

    /**
     * Starts building the client on a daemon thread, so that the first read finds it built (or waits for the build
     * under way instead of starting another).
     *
     * @return the thread building it
     */
    public Thread buildClientInBackground() {
        FutureTask<SecretsManagerClient> build = currentBuild();
        return Thread.ofPlatform().daemon().name("skylift-warm-up-secrets-client").start(build);
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
        FutureTask<SecretsManagerClient> build = currentBuild();
        build.run(); // builds it here unless it is built or being built already
        try {
            return build.get();
        } catch (ExecutionException e) {
            // Not kept: the next read builds again (an environment mended between invocations), and the error is
            // the build's own, as if it had been built here.
            synchronized (this) {
                if (client == build) {
                    client = new FutureTask<>(clientFactory::get);
                }
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SdkClientException.create("interrupted while the Secrets Manager client was being built", e);
        }
    }

    private synchronized FutureTask<SecretsManagerClient> currentBuild() {
        return client;
    }
}
