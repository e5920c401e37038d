package io.skylift.migrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skylift.migrator.cloudformation.ResponseSender;
import io.skylift.migrator.config.Settings;
import io.skylift.migrator.database.ConnectRetryPolicy;
import io.skylift.migrator.secrets.SecretsManagerSource;
import io.skylift.migrator.testkit.FakeSecretsManager;
import io.skylift.migrator.testkit.LambdaContext;
import io.skylift.migrator.testkit.ResponseUrlServer;
import io.skylift.migrator.testkit.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A migrator wired the way Lambda wires it, against real local parts: a test database, a Secrets Manager endpoint
 * that the real SDK talks to, a local ResponseURL server, and a task root holding a copy of {@code migrations/}
 * that a test may add to or change.
 *
 * <p>TLS as in the image: the test CA's certificate sits in the task root where the Dockerfile puts the RDS CA
 * bundle, and neither {@code DB_SSL_MODE} nor {@code DB_SSL_ROOT_CERT} is set, so the defaults (verify-full against
 * the bundle found from {@code LAMBDA_TASK_ROOT}) are what the tests exercise.
 */
public final class MigratorFixture implements AutoCloseable {
    public static final Path REPOSITORY_MIGRATIONS = Path.of("..").toAbsolutePath().normalize().resolve("migrations");
    public static final String DB_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shop-db-AbCdEf";
    public static final String APP_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shop-app-GhIjKl";
    public static final String APP_PASSWORD = "app-Pa55word-from-its-own-secret";

    public final TestDatabase database;
    public final FakeSecretsManager secrets;
    public final ResponseUrlServer responseUrl;
    public final Path taskRoot;
    public final Map<String, String> environment = new HashMap<>();

    public MigratorFixture(TestDatabase database) {
        this.database = database;
        this.secrets = FakeSecretsManager.start();
        this.responseUrl = ResponseUrlServer.start();
        try {
            this.taskRoot = Files.createTempDirectory("skylift-task-root");
            Path migrations = Files.createDirectories(taskRoot.resolve("migrations"));
            Path bundle = taskRoot.resolve(Settings.RDS_CA_BUNDLE);
            Files.createDirectories(bundle.getParent());
            Files.copy(database.caCertificate(), bundle);
            try (Stream<Path> files = Files.list(REPOSITORY_MIGRATIONS)) {
                for (Path file : files.toList()) {
                    Files.copy(file, migrations.resolve(file.getFileName()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        secrets.putSecret(DB_SECRET, database.rdsSecretJson());
        secrets.putSecret(APP_SECRET, "{\"username\":\"app\",\"password\":\"" + APP_PASSWORD + "\"}");
        environment.put("DB_SECRET_ARN", DB_SECRET);
        environment.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        environment.put("PLACEHOLDER_SECRET_APP_PASSWORD", APP_SECRET + "#password");
        environment.put("DEADLINE_MARGIN_MS", "3000");
        environment.put("AWS_LAMBDA_FUNCTION_NAME", "skylift-test");
    }

    /** Adds (or replaces) a migration file in the task root. */
    public MigratorFixture migration(String fileName, String sql) {
        try {
            Files.writeString(taskRoot.resolve("migrations").resolve(fileName), sql);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public MigratorFixture removeMigration(String fileName) {
        try {
            Files.delete(taskRoot.resolve("migrations").resolve(fileName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A handler as Lambda would build it, over the current environment; retries fast so tests stay quick. */
    public MigratorHandler handler() {
        return new MigratorHandler(environment, new SecretsManagerSource(secrets::client),
                new ResponseSender(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), 4,
                        Duration.ofMillis(50)),
                new ConnectRetryPolicy(Duration.ofMillis(50), Duration.ofMillis(500)));
    }

    /** Invokes the handler, returning what it wrote; exceptions pass through as Lambda would see them. */
    public static String invoke(MigratorHandler handler, String payload, LambdaContext context) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    public static JsonNode invokeJson(MigratorHandler handler, String payload) {
        try {
            return Json.MAPPER.readTree(invoke(handler, payload, LambdaContext.generous()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A CloudFormation event of {@code requestType} whose ResponseURL is the local server. */
    public String cloudFormationEvent(String requestType, String physicalResourceId) {
        return """
                {"RequestType":"%s","ServiceToken":"arn:aws:lambda:us-east-1:123456789012:function:skylift-test",
                 "ResponseURL":"%s","StackId":"arn:aws:cloudformation:us-east-1:123456789012:stack/shop-dev/5b6c7d80",
                 "RequestId":"%s","LogicalResourceId":"SchemaMigration",%s
                 "ResourceType":"Custom::SchemaMigration","ResourceProperties":{"DeployId":"%s"}}
                """.formatted(requestType, responseUrl.url("/cfn-answer"), java.util.UUID.randomUUID(),
                physicalResourceId == null ? "" : "\"PhysicalResourceId\":\"" + physicalResourceId + "\",",
                System.nanoTime());
    }

    /** Makes the database secret name {@code port} instead of the test database's (a proxy, a closed port). */
    public MigratorFixture pointSecretAtPort(int port) {
        secrets.putSecret(DB_SECRET, database.rdsSecretJson()
                .replace("\"port\":" + database.port(), "\"port\":" + port)
                .replace("\"port\":\"" + database.port() + "\"", "\"port\":\"" + port + "\""));
        return this;
    }

    /**
     * An Update event whose {@code ResourceProperties.DeployId} is {@code deployId} and whose
     * {@code OldResourceProperties.DeployId} is {@code oldDeployId}; a null id leaves that property out.
     */
    public String updateEvent(String physicalResourceId, String deployId, String oldDeployId) {
        ObjectNode event = Json.MAPPER.createObjectNode()
                .put("RequestType", "Update")
                .put("ServiceToken", "arn:aws:lambda:us-east-1:123456789012:function:skylift-test")
                .put("ResponseURL", responseUrl.url("/cfn-answer"))
                .put("StackId", "arn:aws:cloudformation:us-east-1:123456789012:stack/shop-dev/5b6c7d80")
                .put("RequestId", java.util.UUID.randomUUID().toString())
                .put("LogicalResourceId", "SchemaMigration")
                .put("PhysicalResourceId", physicalResourceId)
                .put("ResourceType", "Custom::SchemaMigration");
        ObjectNode properties = event.putObject("ResourceProperties");
        ObjectNode oldProperties = event.putObject("OldResourceProperties");
        if (deployId != null) {
            properties.put("DeployId", deployId);
        }
        if (oldDeployId != null) {
            oldProperties.put("DeployId", oldDeployId);
        }
        return event.toString();
    }

    @Override
    public void close() {
        secrets.close();
        responseUrl.close();
        try (Stream<Path> walk = Files.walk(taskRoot)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
