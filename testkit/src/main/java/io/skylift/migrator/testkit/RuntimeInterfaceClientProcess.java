package io.skylift.migrator.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a handler the way the AWS Lambda Java base image does: a separate JVM whose main class is
 * the Runtime Interface Client ({@value #RIC_MAIN}) with the handler string as its argument,
 * talking HTTP to a {@link LocalRuntimeApi} of its own.
 *
 * <p>The child JVM is the {@code java} of this JVM's {@code java.home}, with this JVM's
 * {@code java.class.path}. Its environment is clean, like Lambda's: {@code PATH}, {@code LANG},
 * the variables Lambda sets ({@code AWS_LAMBDA_RUNTIME_API}, {@code _HANDLER},
 * {@code AWS_LAMBDA_FUNCTION_NAME} = {@code skylift-migrator}, {@code AWS_LAMBDA_FUNCTION_VERSION},
 * {@code AWS_LAMBDA_FUNCTION_MEMORY_SIZE} = 512, {@code AWS_REGION} and {@code AWS_DEFAULT_REGION}
 * = us-east-1, {@code LAMBDA_TASK_ROOT} = the working directory, {@code TZ}, log group and stream),
 * then whatever the caller adds (which wins). Nothing else of this JVM's environment leaks in, so
 * no developer's AWS settings change a test.
 *
 * <p>The RIC talks to the Runtime API through a JNI library inside its jar (built for glibc and
 * musl, x86_64 and aarch64). Left alone it copies that library to the fixed path
 * {@code /tmp/.libaws-lambda-jni.so}, which two children starting at once would both write; so this
 * class copies it once per test JVM to a private file and names it with the RIC's system property
 * {@code com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI}.
 *
 * <p>What RIC 2.9.0 needs and does, read from its code and checked here: only
 * {@code AWS_LAMBDA_RUNTIME_API} is required (the handler comes from the command line, not
 * {@code _HANDLER}; memory defaults to 128, log format to TEXT). A handler class that does not exist
 * is not an init error: every invocation answers {@code Runtime.BadFunctionCode}. A handler whose
 * constructor or static initialiser throws is: the RIC posts {@code /runtime/init/error} and exits,
 * and {@link #invoke} throws with that error. A handler's exception is a function error
 * ({@code Runtime.UserException}, body {@code errorMessage}/{@code errorType}/{@code stackTrace}),
 * and the runtime lives on.
 *
 * <p>The child's stdout and stderr are captured together ({@link #output()}). {@link #close()}
 * kills it.
 */
public final class RuntimeInterfaceClientProcess implements AutoCloseable {

    static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final String JNI_PROPERTY = "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    private final LocalRuntimeApi runtimeApi;
    private final Process process;
    private final StringBuilder output = new StringBuilder();
    private final Thread pump;
    private final Duration startupTimeout;
    private final Path ownTaskRoot;

    private RuntimeInterfaceClientProcess(Builder builder) {
        this.startupTimeout = builder.startupTimeout;
        this.runtimeApi = LocalRuntimeApi.start(builder.functionName);
        try {
            this.ownTaskRoot = builder.workingDirectory == null ? Files.createTempDirectory("skylift-task-root") : null;
            Path taskRoot = builder.workingDirectory != null ? builder.workingDirectory : ownTaskRoot;
            ProcessBuilder processBuilder = new ProcessBuilder(command(builder)).directory(taskRoot.toFile())
                    .redirectErrorStream(true);
            Map<String, String> env = processBuilder.environment();
            env.clear();
            env.putAll(lambdaEnvironment(builder, taskRoot));
            env.putAll(builder.environment);
            if (builder.bootstrap != null) {
                // The private JNI library goes in the only way the bootstrap leaves, the options every JVM reads.
                String jni = NativeLibrary.path().map(library -> "-D" + JNI_PROPERTY + "=" + library).orElse("");
                env.put("JAVA_TOOL_OPTIONS", (jni + " " + env.getOrDefault("JAVA_TOOL_OPTIONS", "")).strip());
            }
            this.process = processBuilder.start();
        } catch (IOException e) {
            runtimeApi.close();
            throw new UncheckedIOException("cannot start the Runtime Interface Client JVM", e);
        }
        this.pump = Thread.ofPlatform().daemon().name("ric-output-" + process.pid()).start(this::pumpOutput);
    }

    /** Starts {@code handler} (e.g. {@code "io.skylift.migrator.MigratorHandler::handleRequest"}) with extra environment. */
    public static RuntimeInterfaceClientProcess start(String handler, Map<String, String> environment) {
        return builder(handler).environment(environment).start();
    }

    /** A builder for a child running {@code handler}. */
    public static Builder builder(String handler) {
        return new Builder(handler);
    }

    /**
     * Invokes the function once and waits for its answer, as a synchronous {@code aws lambda invoke}
     * does. The first invocation also waits for the child JVM to start (up to the startup timeout,
     * 30 s by default), which, as in Lambda, does not count against the function timeout.
     *
     * @param eventJson the payload
     * @param timeout   the function timeout; past it the result is a timeout error
     *                  ({@link InvocationResult#timedOut()}) and, as Lambda does, the child is killed
     * @throws IllegalStateException when the child dies or fails to initialise before answering;
     *                               the message holds its output
     */
    public InvocationResult invoke(String eventJson, Duration timeout) throws InterruptedException {
        LocalRuntimeApi.Invocation invocation = runtimeApi.enqueue(eventJson, timeout);
        InvocationResult result;
        try {
            result = runtimeApi.await(invocation, startupTimeout, process::isAlive);
        } catch (IllegalStateException e) {
            // After an init error the RIC exits at once: wait a moment so the message can say how.
            process.waitFor(2, TimeUnit.SECONDS);
            throw new IllegalStateException(e.getMessage() + "; exit code " + exitCode() + "; output:\n" + output(), e);
        }
        if (result.timedOut()) {
            process.destroyForcibly();
        }
        return result;
    }

    /** Everything the child wrote to stdout and stderr so far, interleaved as written. */
    public String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    /** The child JVM's process id (e.g. to read its peak memory from {@code /proc/<pid>/status}). */
    public long pid() {
        return process.pid();
    }

    /** Whether the child is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The Runtime API this child talks to (e.g. for {@link LocalRuntimeApi#initError()}). */
    public LocalRuntimeApi runtimeApi() {
        return runtimeApi;
    }

    /** The child's init error, if the RIC reported one (it then exits). */
    public Optional<InvocationResult> initError() {
        return runtimeApi.initError();
    }

    /** Kills the child (waiting up to 5 s for it to go) and stops the Runtime API. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
            pump.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runtimeApi.close();
        if (ownTaskRoot != null) {
            FileTrees.delete(ownTaskRoot);
        }
    }

    private String exitCode() {
        return process.isAlive() ? "(still running)" : Integer.toString(process.exitValue());
    }

    private void pumpOutput() {
        byte[] buffer = new byte[8192];
        try (InputStream in = process.getInputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                String text = new String(buffer, 0, read, StandardCharsets.UTF_8);
                synchronized (output) {
                    output.append(text);
                }
            }
        } catch (IOException ignored) {
            // the child is gone
        }
    }

    private List<String> command(Builder builder) {
        if (builder.bootstrap != null) {
            return List.of(builder.bootstrap.toString(), builder.handler);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(builder.jvmOptions);
        NativeLibrary.path().ifPresent(library -> command.add("-D" + JNI_PROPERTY + "=" + library));
        command.add("-cp");
        command.add(builder.classpath != null ? builder.classpath : System.getProperty("java.class.path"));
        command.add(RIC_MAIN);
        command.add(builder.handler);
        return command;
    }

    private Map<String, String> lambdaEnvironment(Builder builder, Path taskRoot) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "C.UTF-8");
        env.put("TZ", ":UTC");
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi.address());
        env.put("_HANDLER", builder.handler);
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        env.put("LAMBDA_RUNTIME_DIR", taskRoot.toString());
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java25");
        env.put("AWS_LAMBDA_FUNCTION_NAME", builder.functionName);
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + builder.functionName);
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/22/[$LATEST]0123456789abcdef0123456789abcdef");
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        if (builder.bootstrap != null) {
            env.put("JAVA_HOME", System.getProperty("java.home"));
        }
        return env;
    }

    /** Options for the child. */
    public static final class Builder {
        private final String handler;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>(List.of(
                // What Lambda's Java runtimes use by default: C1 only, for a fast start.
                "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                // The RIC loads a JNI library; say so, or Java 24+ prints a warning into the output.
                "--enable-native-access=ALL-UNNAMED"));
        private String functionName = "skylift-migrator";
        private Path workingDirectory;
        private Duration startupTimeout = Duration.ofSeconds(30);
        private String classpath;
        private Path bootstrap;
        private boolean ownJvmOptions;

        private Builder(String handler) {
            this.handler = Objects.requireNonNull(handler, "handler must not be null");
        }

        /** Adds (or replaces) one environment variable of the child. */
        public Builder environment(String name, String value) {
            environment.put(Objects.requireNonNull(name, "name must not be null"),
                    Objects.requireNonNull(value, "value of " + name + " must not be null"));
            return this;
        }

        /** Adds (or replaces) environment variables of the child. */
        public Builder environment(Map<String, String> variables) {
            variables.forEach(this::environment);
            return this;
        }

        /** The child's working directory and {@code LAMBDA_TASK_ROOT}; default: a new empty temp directory. */
        public Builder workingDirectory(Path directory) {
            this.workingDirectory = Objects.requireNonNull(directory, "directory must not be null");
            return this;
        }

        /** The function name (in the environment and the invoked ARN); default {@code skylift-migrator}. */
        public Builder functionName(String name) {
            this.functionName = Objects.requireNonNull(name, "name must not be null");
            return this;
        }

        /** An extra JVM option for the child, e.g. {@code -Xmx256m} or {@code -Dkey=value}. */
        public Builder jvmOption(String option) {
            jvmOptions.add(Objects.requireNonNull(option, "option must not be null"));
            ownJvmOptions = true;
            return this;
        }

        /**
         * Starts the function as the image does: this script (the image's bootstrap, in a task root laid out like
         * the image's) with the handler as its argument, instead of {@code java} with this builder's options and
         * class path; the bootstrap decides those. It runs this JVM's {@code java} ({@code JAVA_HOME}); further JVM
         * options go in {@code JAVA_TOOL_OPTIONS}, as on Lambda.
         */
        public Builder bootstrap(Path script) {
            this.bootstrap = Objects.requireNonNull(script, "script must not be null");
            return this;
        }

        /**
         * The child's class path; default this JVM's. With the Runtime Interface Client's jars only, the handler
         * is loaded from the working directory and its {@code lib/*.jar}, as in the Lambda image.
         */
        public Builder classpath(String classpath) {
            this.classpath = Objects.requireNonNull(classpath, "classpath must not be null");
            return this;
        }

        /** How long the first invocation may wait for the child to ask for an event; default 30 s. */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = Objects.requireNonNull(timeout, "timeout must not be null");
            return this;
        }

        /** Starts the Runtime API and the child JVM. */
        public RuntimeInterfaceClientProcess start() {
            if (bootstrap != null && (ownJvmOptions || classpath != null)) {
                throw new IllegalStateException("the bootstrap decides the JVM's options and class path: pass "
                        + "options in JAVA_TOOL_OPTIONS instead");
            }
            return new RuntimeInterfaceClientProcess(this);
        }
    }

    /** The RIC's JNI library for this machine, copied once per JVM to a private file. */
    private static final class NativeLibrary {
        private static final Optional<String> PATH = copy();

        static Optional<String> path() {
            return PATH;
        }

        private static Optional<String> copy() {
            String arch = switch (System.getProperty("os.arch")) {
                case "amd64", "x86_64" -> "x86_64";
                case "aarch64", "arm64" -> "aarch_64";
                default -> null;
            };
            if (arch == null || !System.getProperty("os.name").equals("Linux")) {
                return Optional.empty(); // let the RIC fail with its own message
            }
            boolean musl = Files.exists(Path.of("/lib/ld-musl-" + (arch.equals("x86_64") ? "x86_64" : "aarch64") + ".so.1"));
            String resource = "/jni/libaws-lambda-jni.linux" + (musl ? "_musl" : "") + "-" + arch + ".so";
            try (InputStream in = RuntimeInterfaceClientProcess.class.getResourceAsStream(resource)) {
                if (in == null) {
                    return Optional.empty();
                }
                Path file = Files.createTempFile("skylift-ric-jni-", ".so");
                file.toFile().deleteOnExit();
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                return Optional.of(file.toString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy the RIC's JNI library " + resource, e);
            }
        }
    }
}
