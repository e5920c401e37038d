package io.skylift.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.skylift.migrator.testkit.FakeSecretsManager;
import io.skylift.migrator.testkit.InvocationResult;
import io.skylift.migrator.testkit.LocalRuntimeApi;
import io.skylift.migrator.testkit.ResponseUrlServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Writes the image's AOT cache (run by the Dockerfile's training stage): starts the function through the image's own
 * {@code bootstrap} with {@code SKYLIFT_AOT=train}, so the JVM's class path and flags are exactly those of every later
 * start, and the real handler ({@code MigratorHandler}) answers the invocations of a deploy against a real
 * PostgreSQL with TLS ({@link TrainingDatabase}): a direct migrate that applies, one that finds nothing to do,
 * {@code info}, and CloudFormation's Create, Update and Delete. Then it stops the JVM, which writes the cache as it
 * exits. Stand-ins only for what cannot run in an image build: Lambda's Runtime API, Secrets Manager and
 * CloudFormation's response URL (the test kit's).
 *
 * <p>Usage: {@code TrainingRun <bootstrap> <cache file the bootstrap writes>}. Exits 0 when every invocation answered
 * as a deploy expects and the cache was written.
 */
public final class TrainingRun {
    /** How long the JVM may take to start, answer one invocation, or write the cache on its way out. */
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);
    /** The image's CMD: the function's real handler. */
    private static final String HANDLER = "io.skylift.migrator.MigratorHandler::handleRequest";
    private static final String DEPLOY_ID = "2026-12-01T00:00:00Z";
    private static final String RESOURCE_ID = "skylift-training";
    /** The training's own migrations (resources beside this class), applied by the first migrate. */
    private static final List<String> MIGRATIONS = List.of("V1__create_customers.sql", "V2__create_orders.sql",
            "V3__create_app_role.sql", "V4__index_orders_concurrently.sql", "V4__index_orders_concurrently.sql.conf",
            "R__customer_totals.sql");

    private TrainingRun() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: TrainingRun <bootstrap> <AOT cache file the bootstrap writes>");
            System.exit(2);
        }
        try {
            train(Path.of(args[0]).toAbsolutePath(), Path.of(args[1]).toAbsolutePath());
            System.exit(0);
        } catch (IOException | IllegalStateException e) {
            System.err.println("The AOT training run failed: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Runs {@code bootstrap} in training mode through a deploy's invocations and checks that it wrote {@code cache}.
     *
     * @throws IllegalStateException when this process runs as root, an invocation does not answer as a deploy expects,
     *                               or no cache is written
     */
    static void train(Path bootstrap, Path cache) throws IOException, InterruptedException {
        Files.deleteIfExists(cache);
        Path work = Files.createTempDirectory("skylift-training");
        try (TrainingDatabase database = TrainingDatabase.start(work.resolve("postgres"), userId());
             FakeSecretsManager secrets = FakeSecretsManager.start();
             ResponseUrlServer responses = ResponseUrlServer.start();
             LocalRuntimeApi runtime = LocalRuntimeApi.start(RESOURCE_ID)) {
            String databaseSecret = secrets.putSecret("skylift/training-db", database.rdsSecretJson());
            String appSecret = secrets.putSecret("skylift/training-app",
                    "{\"username\":\"training_app\",\"password\":\"" + UUID.randomUUID() + "\"}");
            ProcessBuilder builder = new ProcessBuilder(bootstrap.toString(), HANDLER)
                    .directory(bootstrap.getParent().toFile()).inheritIO();
            Map<String, String> env = builder.environment();
            env.putAll(secrets.environment());
            env.put("AWS_LAMBDA_RUNTIME_API", runtime.address());
            env.putIfAbsent("LAMBDA_TASK_ROOT", bootstrap.getParent().toString());
            env.put("AWS_LAMBDA_FUNCTION_NAME", RESOURCE_ID);
            env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
            env.put("SKYLIFT_AOT", "train");
            env.put("DB_SECRET_ARN", databaseSecret);
            env.put("DB_SSL_ROOT_CERT", database.caCertificate().toString());
            env.put("PLACEHOLDER_SECRET_APP_PASSWORD", appSecret + "#password");
            env.put("FLYWAY_LOCATIONS", "filesystem:" + writeMigrations(work.resolve("migrations")));
            env.put("SKYLIFT_DEPLOY_ID", DEPLOY_ID);
            Process process = builder.start();
            try {
                Deploy deploy = new Deploy(runtime, responses);
                deploy.direct("{\"command\":\"migrate\"}", "migrationsApplied", MIGRATIONS.size() - 1);
                deploy.direct("{\"command\":\"migrate\"}", "migrationsApplied", 0);
                deploy.direct("{\"command\":\"info\"}", "schemaVersion", 4);
                deploy.cloudFormation("Create", null);
                deploy.cloudFormation("Update", RESOURCE_ID);
                deploy.cloudFormation("Delete", RESOURCE_ID);
            } finally {
                // SIGTERM: the JVM writes the cache while it exits.
                process.destroy();
                if (!process.waitFor(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("the function's JVM did not exit within " + STEP_TIMEOUT);
                }
            }
            if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
                throw new IllegalStateException("the function's JVM exited without writing " + cache
                        + " (exit code " + process.exitValue() + ")");
            }
        } finally {
            deleteTree(work);
        }
    }

    /** The invocations of a deploy, each checked: a cache trained on failures would hold the wrong paths. */
    private record Deploy(LocalRuntimeApi runtime, ResponseUrlServer responses) {
        void direct(String payload, String field, int expected) throws InterruptedException {
            JsonNode answer = invoke(payload).json();
            if (!answer.path("success").asBoolean() || answer.path(field).asInt(-1) != expected) {
                throw new IllegalStateException(payload + " answered " + answer + ", not success with " + field + " "
                        + expected);
            }
        }

        void cloudFormation(String requestType, String physicalResourceId) throws InterruptedException {
            invoke("{\"RequestType\":\"" + requestType + "\",\"ResponseURL\":\"" + responses.url("/training") + "\","
                    + "\"StackId\":\"arn:aws:cloudformation:us-east-1:123456789012:stack/training/1\","
                    + "\"RequestId\":\"training-" + requestType + "\",\"LogicalResourceId\":\"SchemaMigration\","
                    + (physicalResourceId == null ? "" : "\"PhysicalResourceId\":\"" + physicalResourceId + "\",")
                    + "\"ResourceType\":\"Custom::SchemaMigration\","
                    + "\"ResourceProperties\":{\"DeployId\":\"" + DEPLOY_ID + "\"}}");
            JsonNode answer = responses.awaitRequest(Duration.ofSeconds(10)).json();
            if (!"SUCCESS".equals(answer.path("Status").asText())) {
                throw new IllegalStateException("CloudFormation's " + requestType + " was answered " + answer);
            }
        }

        private InvocationResult invoke(String payload) throws InterruptedException {
            InvocationResult result = runtime.invoke(payload, STEP_TIMEOUT);
            if (result.isError()) {
                throw new IllegalStateException(payload + " failed: " + result.body());
            }
            return result;
        }
    }

    private static Path writeMigrations(Path folder) throws IOException {
        Files.createDirectories(folder);
        for (String name : MIGRATIONS) {
            try (InputStream in = TrainingRun.class.getResourceAsStream("training/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("the training migration " + name + " is missing from "
                            + TrainingRun.class.getProtectionDomain().getCodeSource().getLocation());
                }
                Files.copy(in, folder.resolve(name));
            }
        }
        return folder;
    }

    private static long userId() {
        return new com.sun.security.auth.module.UnixSystem().getUid();
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the training's folder " + root, e);
        }
    }
}
