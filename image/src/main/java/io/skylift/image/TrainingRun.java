package io.skylift.image;

import io.skylift.migrator.testkit.FakeSecretsManager;
import io.skylift.migrator.testkit.InvocationResult;
import io.skylift.migrator.testkit.LambdaContext;
import io.skylift.migrator.testkit.LocalRuntimeApi;
import io.skylift.migrator.testkit.ResponseUrlServer;
import io.skylift.migrator.testkit.TestCertificateAuthority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Writes the image's AOT cache (run by the Dockerfile's training stage): starts the function's JVM through the image's
 * own {@code bootstrap}, so its class path and flags are exactly those of every later start, with
 * {@code SKYLIFT_AOT=train}; serves it one invocation of {@link TrainingHandler}; then stops it, and the JVM writes the
 * cache as it exits. Nothing outside this process is needed: the Runtime API, Secrets Manager and CloudFormation's
 * response URL are the test kit's stand-ins, and there is no database.
 *
 * <p>The training handler is not on the function's class path (a class path longer than at run time would make the
 * cache unusable): the runtime client's own class loader finds it in the working directory (in Lambda, the task root),
 * where this module's classes and the test kit's are placed (or copies of their jars in {@code lib/}).
 *
 * <p>Usage: {@code TrainingRun <bootstrap> <cache file the bootstrap writes>}. Exits 0 when the cache was written.
 */
public final class TrainingRun {
    /** How long the JVM may take to start, answer, and write the cache on its way out. */
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);

    private TrainingRun() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: TrainingRun <bootstrap> <AOT cache file the bootstrap writes>");
            System.exit(2);
        }
        try {
            train(Path.of(args[0]).toAbsolutePath(), Path.of(args[1]).toAbsolutePath(), Map.of());
            System.exit(0);
        } catch (IOException | IllegalStateException e) {
            System.err.println("The AOT training run failed: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Runs {@code bootstrap} in training mode with one training invocation and checks that it wrote {@code cache}.
     *
     * @param environment added to this process's environment for the function's JVM (tests pass their own options)
     * @throws IllegalStateException when the function fails to answer or no cache is written
     */
    public static void train(Path bootstrap, Path cache, Map<String, String> environment)
            throws IOException, InterruptedException {
        Files.deleteIfExists(cache);
        Path handlerRoot = Files.createTempDirectory("skylift-training");
        try (FakeSecretsManager secrets = FakeSecretsManager.start();
             ResponseUrlServer responses = ResponseUrlServer.start();
             LocalRuntimeApi runtime = LocalRuntimeApi.start("skylift-training")) {
            // Certificates as Aurora's (RSA 2048) for the handler's in-memory TLS handshake.
            System.setProperty(TestCertificateAuthority.KEYS_PROPERTY, "rsa");
            TestCertificateAuthority authority = TestCertificateAuthority.create("Skylift training");
            Path tls = Files.createDirectories(handlerRoot.resolve("tls"));
            authority.writeCertificate(tls.resolve("ca.pem"));
            authority.issueServerCertificate(List.of(TrainingHandler.TLS_HOST, "localhost"), List.of(), tls.resolve("server.pem"),
                    tls.resolve("server.key"));
            String databaseSecret = secrets.putSecret("skylift/training-db", TrainingHandler.DATABASE_SECRET);
            String appSecret = secrets.putSecret("skylift/training-app", TrainingHandler.APP_SECRET);
            ProcessBuilder builder = new ProcessBuilder(bootstrap.toString(),
                    TrainingHandler.class.getName() + "::handleRequest").directory(placeHandler(handlerRoot).toFile())
                    .inheritIO();
            Map<String, String> env = builder.environment();
            env.putAll(environment);
            env.putAll(secrets.environment());
            env.put("AWS_LAMBDA_RUNTIME_API", runtime.address());
            env.putIfAbsent("LAMBDA_TASK_ROOT", bootstrap.getParent().toString());
            env.put("SKYLIFT_AOT", "train");
            env.putIfAbsent("AWS_LAMBDA_FUNCTION_NAME", "skylift-training");
            env.putIfAbsent("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
            Process process = builder.start();
            try {
                InvocationResult result = runtime.invoke(TrainingHandler.event(databaseSecret, appSecret,
                        responses.url("/training"), tls.toString()), STEP_TIMEOUT);
                if (result.isError()) {
                    throw new IllegalStateException("the training invocation failed: " + result.body());
                }
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
            deleteTree(handlerRoot);
        }
    }

    /**
     * A directory holding the training handler's classes and the test kit's it uses ({@link LambdaContext}), for the
     * runtime client's class loader, which reads its working directory and the jars in its {@code lib/}: a directory of
     * classes is copied in (tests), a jar goes to {@code lib/} (the image build).
     */
    private static Path placeHandler(Path directory) throws IOException {
        Path root = Files.createDirectories(directory.resolve("handler"));
        for (Class<?> type : List.of(TrainingHandler.class, LambdaContext.class)) {
            Path code;
            try {
                code = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
            } catch (java.net.URISyntaxException e) {
                throw new IOException("cannot locate the classes of " + type.getName(), e);
            }
            if (Files.isDirectory(code)) {
                copyTree(code, root);
            } else {
                Files.createDirectories(root.resolve("lib"));
                Files.copy(code, root.resolve("lib").resolve(code.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return root;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
