package io.skylift.migrator.testkit;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Test-only handler for {@link RuntimeInterfaceClientProcessTest}: reads secret {@code SECRET_ID}
 * with an SDK client configured only by the standard environment, as the migrator's is, and
 * answers with its string.
 */
public final class SecretReadingHandler implements RequestStreamHandler {

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (SecretsManagerClient client = SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create()).build()) {
            String secret = client.getSecretValue(r -> r.secretId(System.getenv("SECRET_ID"))).secretString();
            output.write(secret.getBytes(StandardCharsets.UTF_8));
        }
    }
}
