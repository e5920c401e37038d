package io.skylift.migrator.training;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the image's class-data-sharing archive: runs the Lambda runtime exactly as Lambda starts it (the base
 * image's {@code /lambda-entrypoint.sh}, so the JVM command line and class path are Lambda's) with
 * {@code JAVA_TOOL_OPTIONS=-XX:ArchiveClassesAtExit=<archive>}, serves it one event for {@link TrainingHandler}, then
 * stops it; the JVM writes the classes it loaded to the archive as it exits. No database is needed: this process
 * also answers as the Runtime API, Secrets Manager and CloudFormation's response URL, on one loopback port.
 *
 * <p>Usage: {@code TrainingRun <archive> <command to start the runtime...>}. Exits 0 when the archive was written.
 */
public final class TrainingRun {
    private static final String RUNTIME_PREFIX = "/2018-06-01/runtime/";
    private static final long TIMEOUT_SECONDS = 180;

    private final CompletableFuture<String> answered = new CompletableFuture<>();
    private volatile boolean eventServed;

    private TrainingRun() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: TrainingRun <archive> <command to start the Lambda runtime...>");
            System.exit(2);
        }
        Path archive = Path.of(args[0]).toAbsolutePath();
        List<String> command = Arrays.asList(args).subList(1, args.length);
        System.exit(new TrainingRun().run(archive, command) ? 0 : 1);
    }

    private boolean run(Path archive, List<String> command) throws IOException, InterruptedException {
        Files.deleteIfExists(archive);
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + server.getLocalPort();
            Thread.ofPlatform().daemon().name("training-endpoints").start(() -> accept(server));
            ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
            Map<String, String> env = builder.environment();
            env.put("AWS_LAMBDA_RUNTIME_API", address);
            env.put("JAVA_TOOL_OPTIONS", "-XX:ArchiveClassesAtExit=" + archive);
            env.put(TrainingHandler.ENDPOINT_VARIABLE, "http://" + address);
            env.putIfAbsent("AWS_LAMBDA_FUNCTION_NAME", "skylift-training");
            env.putIfAbsent("AWS_REGION", "us-east-1");
            // The SDK's standard configuration, as Lambda gives it, pointed at this process's Secrets Manager.
            env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://" + address);
            env.put("AWS_ACCESS_KEY_ID", "AKIATRAINING");
            env.put("AWS_SECRET_ACCESS_KEY", "training");
            env.put("AWS_SESSION_TOKEN", "training");
            Process runtime = builder.start();
            String outcome = null;
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (outcome == null) {
                try {
                    outcome = answered.get(200, TimeUnit.MILLISECONDS);
                } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                    if (!runtime.isAlive()) {
                        outcome = "the runtime exited with " + runtime.exitValue() + " before answering";
                    } else if (System.nanoTime() > giveUp) {
                        outcome = "no answer within " + TIMEOUT_SECONDS + " s";
                    }
                }
            }
            System.out.println("[training] " + outcome);
            // SIGTERM: the JVM exits normally and writes the archive; the runtime itself would wait for events forever.
            runtime.descendants().forEach(ProcessHandle::destroy);
            runtime.destroy();
            if (!runtime.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                runtime.descendants().forEach(ProcessHandle::destroyForcibly);
                runtime.destroyForcibly();
            }
            for (int i = 0; i < 100 && runtime.descendants().anyMatch(ProcessHandle::isAlive); i++) {
                Thread.sleep(100);
            }
            if (!outcome.startsWith("answered") || !Files.isRegularFile(archive) || Files.size(archive) == 0) {
                System.err.println("[training] no class-data archive at " + archive + " (" + outcome + ")");
                return false;
            }
            System.out.println("[training] wrote " + archive + " (" + Files.size(archive) / 1024 + " KiB)");
            return true;
        }
    }

    private void accept(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread.ofPlatform().daemon().start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** HTTP/1.1 with keep-alive, enough for the runtime's client, the JDK's clients and nothing else. */
    private void serve(Socket socket) {
        try (socket; InputStream in = new BufferedInputStream(socket.getInputStream());
             OutputStream out = socket.getOutputStream()) {
            while (true) {
                String requestLine = line(in);
                if (requestLine == null || requestLine.isEmpty()) {
                    return;
                }
                Map<String, String> headers = new LinkedHashMap<>();
                for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                    int colon = header.indexOf(':');
                    if (colon > 0) {
                        headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                                header.substring(colon + 1).trim());
                    }
                }
                byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
                String[] parts = requestLine.split(" ");
                respond(out, parts[0], parts.length > 1 ? parts[1] : "/", headers, body);
            }
        } catch (IOException | RuntimeException e) {
            // the runtime went away
        }
    }

    private void respond(OutputStream out, String method, String path, Map<String, String> headers, byte[] body)
            throws IOException {
        if (path.startsWith(RUNTIME_PREFIX)) {
            String rest = path.substring(RUNTIME_PREFIX.length());
            if (method.equals("GET") && rest.equals("invocation/next")) {
                if (eventServed) {
                    // One event is the whole training; further polls wait until the runtime is stopped.
                    answered.join();
                    sleepQuietly();
                    return;
                }
                eventServed = true;
                write(out, 200, Map.of("Content-Type", "application/json",
                        "Lambda-Runtime-Aws-Request-Id", UUID.randomUUID().toString(),
                        "Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 120_000),
                        "Lambda-Runtime-Invoked-Function-Arn",
                        "arn:aws:lambda:us-east-1:123456789012:function:skylift-training",
                        "Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0"),
                        "{\"training\":true}");
                return;
            }
            if (method.equals("POST") && (rest.endsWith("/response") || rest.endsWith("/error")
                    || rest.equals("init/error"))) {
                write(out, 202, Map.of("Content-Type", "application/json"), "{\"status\":\"OK\"}");
                answered.complete((rest.endsWith("/response") ? "answered: " : "failed: ")
                        + new String(body, StandardCharsets.UTF_8));
                return;
            }
            write(out, 404, Map.of(), "{}");
            return;
        }
        if (method.equals("POST") && "secretsmanager.GetSecretValue".equals(headers.get("x-amz-target"))) {
            String request = new String(body, StandardCharsets.UTF_8);
            String secret = request.contains(TrainingHandler.APP_SECRET) ? TrainingHandler.APP_SECRET_VALUE
                    : TrainingHandler.databaseSecretValue();
            write(out, 200, Map.of("Content-Type", "application/x-amz-json-1.1"),
                    "{\"ARN\":\"arn\",\"Name\":\"training\",\"VersionId\":\"v1\",\"SecretString\":"
                            + quote(secret) + ",\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":1.7E9}");
            return;
        }
        // CloudFormation's pre-signed response URL.
        write(out, 200, Map.of(), "");
    }

    private static void write(OutputStream out, int status, Map<String, String> headers, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(status < 300 ? " OK" : " Not Found")
                .append("\r\nContent-Length: ").append(bytes.length).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
