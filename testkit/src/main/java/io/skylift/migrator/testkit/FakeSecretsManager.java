package io.skylift.migrator.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A local Secrets Manager endpoint for the real AWS SDK client: it speaks the service's JSON 1.1
 * protocol ({@code POST /}, {@code X-Amz-Target: secretsmanager.GetSecretValue},
 * {@code application/x-amz-json-1.1}) for {@code GetSecretValue}, the only call the migrator makes.
 *
 * <p>Answers as AWS does: the secret's {@code ARN}, {@code Name}, {@code SecretString},
 * {@code VersionId}, {@code VersionStages} and {@code CreatedDate}; a missing secret is a 400
 * {@code ResourceNotFoundException} (the SDK throws its {@code ResourceNotFoundException}); a secret
 * made unreadable with {@link #denyAccess(String)} is a 400 {@code AccessDeniedException} (the SDK
 * throws a {@code SecretsManagerException} whose error code is {@code AccessDeniedException}). Any
 * other operation is a 400 {@code UnknownOperationException}. Requests are not authenticated: any
 * credentials and region work.
 *
 * <p>Binds 127.0.0.1 on an ephemeral port; thread-safe; {@link #close()} stops it.
 */
public final class FakeSecretsManager implements AutoCloseable {

    /** The region used in ARNs and by {@link #client()} and {@link #environment()}. */
    public static final String REGION = "us-east-1";

    private static final String ACCOUNT = "123456789012";
    private static final String ARN_PREFIX = "arn:aws:secretsmanager:";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One stored secret; replaced as a whole by {@link #putSecret}, like a rotation. */
    private record Secret(String arn, String name, String value, String versionId, double createdDate) {
    }

    private final HttpServer server;
    private final Map<String, Secret> byArn = new HashMap<>();
    private final Map<String, String> arnByName = new HashMap<>();
    private final Set<String> denied = new HashSet<>();
    private final Map<String, Integer> calls = new HashMap<>();

    private FakeSecretsManager() {
        server = LoopbackHttp.create();
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts an endpoint with no secrets; close it when done (try-with-resources). */
    public static FakeSecretsManager start() {
        return new FakeSecretsManager();
    }

    /** The endpoint for {@code endpointOverride} or {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * Stores a secret, or gives an existing one a new value and a new {@code VersionId} (as a
     * rotation does). Afterwards it can be read by its ARN or by its name.
     *
     * @param id           a name ({@code "skylift/db"}) or a full ARN
     *                     ({@code "arn:aws:secretsmanager:us-east-1:123456789012:secret:skylift/db-AbCdEf"});
     *                     for a name, an ARN with a random six-character suffix is made up, as AWS does
     * @param secretString the {@code SecretString} to return
     * @return the secret's ARN
     */
    public synchronized String putSecret(String id, String secretString) {
        Objects.requireNonNull(id, "id must not be null");
        Objects.requireNonNull(secretString, "secretString must not be null");
        String arn = resolveArn(id);
        if (arn == null) {
            arn = id.startsWith(ARN_PREFIX) ? id : ARN_PREFIX + REGION + ":" + ACCOUNT + ":secret:" + id + "-" + suffix();
        }
        String name = nameOf(arn);
        Secret previous = byArn.get(arn);
        double created = previous != null ? previous.createdDate() : System.currentTimeMillis() / 1000.0;
        byArn.put(arn, new Secret(arn, name, secretString, UUID.randomUUID().toString(), created));
        arnByName.put(name, arn);
        // Denials and calls recorded under the id before the secret existed now belong to it.
        for (String alias : List.of(id, name)) {
            if (!alias.equals(arn)) {
                if (denied.remove(alias)) {
                    denied.add(arn);
                }
                Integer before = calls.remove(alias);
                if (before != null) {
                    calls.merge(arn, before, Integer::sum);
                }
            }
        }
        return arn;
    }

    /**
     * From now on, reading secret {@code id} (name or ARN; it need not exist yet) fails with
     * {@code AccessDeniedException}, as when the function's role may not read it.
     */
    public synchronized void denyAccess(String id) {
        denied.add(key(id));
    }

    /** Undoes {@link #denyAccess(String)}. */
    public synchronized void allowAccess(String id) {
        denied.remove(key(id));
    }

    /**
     * How many {@code GetSecretValue} calls named this secret, by ARN or by name alike (failed
     * calls included). For an id that matches no secret, the calls that used exactly that id.
     */
    public synchronized int getSecretValueCalls(String id) {
        return calls.getOrDefault(key(id), 0);
    }

    /** All {@code GetSecretValue} calls received, whatever they asked for. */
    public synchronized int getSecretValueCalls() {
        return calls.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * A real SDK client for this endpoint: URL-connection HTTP client, region {@link #REGION},
     * static dummy credentials. The caller closes it.
     */
    public SecretsManagerClient client() {
        return SecretsManagerClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(endpoint())
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAFAKE", "fake-secret")))
                .build();
    }

    /**
     * The environment a process needs to reach this endpoint with the default SDK client
     * ({@code AWS_ENDPOINT_URL_SECRETS_MANAGER}, {@code AWS_REGION}, dummy static credentials).
     */
    public Map<String, String> environment() {
        return Map.of(
                "AWS_ENDPOINT_URL_SECRETS_MANAGER", endpoint().toString(),
                "AWS_REGION", REGION,
                "AWS_ACCESS_KEY_ID", "AKIAFAKE",
                "AWS_SECRET_ACCESS_KEY", "fake-secret");
    }

    @Override
    public void close() {
        LoopbackHttp.stop(server);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = LoopbackHttp.readBody(exchange);
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
            if (!"POST".equals(exchange.getRequestMethod()) || !"secretsmanager.GetSecretValue".equals(target)) {
                error(exchange, "UnknownOperationException", "Operation not supported by the fake: " + target);
                return;
            }
            JsonNode request;
            try {
                request = JSON.readTree(body);
            } catch (IOException e) {
                error(exchange, "SerializationException", "Request body is not JSON");
                return;
            }
            String secretId = request.path("SecretId").asText("");
            if (secretId.isEmpty()) {
                error(exchange, "InvalidParameterException", "You must provide a SecretId.");
                return;
            }
            Secret secret;
            boolean accessDenied;
            synchronized (this) {
                String key = key(secretId);
                calls.merge(key, 1, Integer::sum);
                accessDenied = denied.contains(key);
                secret = byArn.get(key);
            }
            if (accessDenied) {
                // The wording of real IAM denials; the ARN shown is the one asked for.
                error(exchange, "AccessDeniedException", "User: arn:aws:sts::" + ACCOUNT
                        + ":assumed-role/skylift-migrator/skylift-migrator is not authorized to perform:"
                        + " secretsmanager:GetSecretValue on resource: " + secretId
                        + " because no identity-based policy allows the secretsmanager:GetSecretValue action");
            } else if (secret == null) {
                error(exchange, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
            } else {
                ObjectNode answer = JSON.createObjectNode()
                        .put("ARN", secret.arn())
                        .put("Name", secret.name())
                        .put("SecretString", secret.value())
                        .put("VersionId", secret.versionId())
                        .put("CreatedDate", secret.createdDate());
                answer.putArray("VersionStages").add("AWSCURRENT");
                LoopbackHttp.respond(exchange, 200, CONTENT_TYPE, JSON.writeValueAsString(answer));
            }
        }
    }

    /** The SDK reads the error code from {@code __type} (AWS JSON protocol) and the text from {@code Message}. */
    private static void error(HttpExchange exchange, String type, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("__type", type).put("Message", message);
        LoopbackHttp.respond(exchange, 400, CONTENT_TYPE, JSON.writeValueAsString(body));
    }

    /** The ARN of a known secret named or identified by {@code id}, or null. Caller holds the lock. */
    private String resolveArn(String id) {
        if (byArn.containsKey(id)) {
            return id;
        }
        return arnByName.get(id);
    }

    /** The key that counts and denials are kept under: the ARN for a known secret, else the id itself. */
    private String key(String id) {
        Objects.requireNonNull(id, "id must not be null");
        String arn = resolveArn(id);
        return arn != null ? arn : id;
    }

    /** {@code arn:aws:secretsmanager:r:a:secret:NAME-AbCdEf} → {@code NAME}. */
    private static String nameOf(String arn) {
        String afterSecret = arn.substring(arn.indexOf(":secret:") + ":secret:".length());
        int dash = afterSecret.lastIndexOf('-');
        return dash > 0 && afterSecret.length() - dash == 7 ? afterSecret.substring(0, dash) : afterSecret;
    }

    private static String suffix() {
        String letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        StringBuilder sb = new StringBuilder(6);
        for (int i = 0; i < 6; i++) {
            sb.append(letters.charAt(RANDOM.nextInt(letters.length())));
        }
        return sb.toString();
    }
}
