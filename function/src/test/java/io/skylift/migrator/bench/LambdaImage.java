package io.skylift.migrator.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Lambda image, laid out on local disk as the Dockerfile lays it out in {@code /var/task}: the function's
 * classes at the root, its runtime jars in {@code lib/}, the migrations in {@code migrations/}, and the class-data
 * archive made by the same training run the Dockerfile runs. Beside it, the Runtime Interface Client's jars, which
 * the base image keeps outside the task root (on the JVM's class path), so the function's classes are loaded by the
 * RIC's own class loader from the task root, as in Lambda.
 */
public final class LambdaImage {
    /** Where the Dockerfile puts the function; paths in its JVM options are rewritten to {@link #taskRoot()}. */
    public static final String IMAGE_TASK_ROOT = "/var/task";
    /** The options Lambda's Java 21 runtime starts its JVM with (C1 only, serial GC, default CDS). */
    public static final List<String> LAMBDA_JVM_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC", "-Xshare:auto", "--enable-native-access=ALL-UNNAMED");
    public static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final String JNI_PROPERTY =
            "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";
    private static final List<String> RUNTIME_JARS = List.of("aws-lambda-java-runtime-interface-client",
            "aws-lambda-java-serialization", "aws-lambda-java-core", "utils-lite");
    private static final Pattern TOOL_OPTIONS = Pattern.compile("^ENV\\s+JAVA_TOOL_OPTIONS=\"([^\"]*)\"\\s*$");

    private final Path taskRoot;
    private final Path runtimeDirectory;
    private final String javaToolOptions;

    private LambdaImage(Path taskRoot, Path runtimeDirectory, String javaToolOptions) {
        this.taskRoot = taskRoot;
        this.runtimeDirectory = runtimeDirectory;
        this.javaToolOptions = javaToolOptions;
    }

    /**
     * Lays the image out under {@code directory} (replacing what was there).
     *
     * @param module     the function module (its {@code target/classes} and {@code target/dependency})
     * @param migrations the folder to copy to {@code migrations/}
     * @param dockerfile the Dockerfile whose {@code ENV JAVA_TOOL_OPTIONS} the function runs with
     */
    public static LambdaImage build(Path module, Path migrations, Path dockerfile, Path directory) {
        Path taskRoot = directory.resolve("task-root");
        Path runtime = directory.resolve("runtime");
        deleteTree(directory);
        copyTree(module.resolve("target/classes"), taskRoot);
        copyTree(module.resolve("target/dependency"), taskRoot.resolve("lib"));
        copyTree(migrations, taskRoot.resolve("migrations"));
        try {
            Files.createDirectories(runtime);
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                String name = Path.of(entry).getFileName().toString();
                if (name.endsWith(".jar") && RUNTIME_JARS.stream().anyMatch(name::startsWith)) {
                    Files.copy(Path.of(entry), runtime.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            String library = "/jni/libaws-lambda-jni.linux-x86_64.so";
            try (var in = LambdaImage.class.getResourceAsStream(library)) {
                Files.copy(Objects.requireNonNull(in, library), runtime.resolve("libaws-lambda-jni.so"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String options = dockerfileToolOptions(dockerfile).replace(IMAGE_TASK_ROOT, taskRoot.toString());
        return new LambdaImage(taskRoot, runtime, options);
    }

    /** The value of the Dockerfile's {@code ENV JAVA_TOOL_OPTIONS="..."}, empty when it sets none. */
    public static String dockerfileToolOptions(Path dockerfile) {
        try {
            for (String line : Files.readAllLines(dockerfile)) {
                Matcher matcher = TOOL_OPTIONS.matcher(line.strip());
                if (matcher.matches()) {
                    return matcher.group(1);
                }
            }
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path taskRoot() {
        return taskRoot;
    }

    /** The Dockerfile's JVM options with image paths rewritten to this layout. */
    public String javaToolOptions() {
        return javaToolOptions;
    }

    /** The class path the base image's bootstrap gives the JVM: the RIC and what it needs, nothing of ours. */
    public String runtimeClasspath() {
        try (Stream<Path> jars = Files.list(runtimeDirectory)) {
            return String.join(File.pathSeparator, jars.filter(p -> p.toString().endsWith(".jar")).sorted()
                    .map(Path::toString).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code java} command that starts the runtime with {@code handler}, as the base image's bootstrap does. */
    public List<String> runtimeCommand(String handler) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(LAMBDA_JVM_FLAGS);
        command.add("-D" + JNI_PROPERTY + "=" + runtimeDirectory.resolve("libaws-lambda-jni.so"));
        command.add("-cp");
        command.add(runtimeClasspath());
        command.add(RIC_MAIN);
        command.add(handler);
        return command;
    }

    /**
     * Runs the Dockerfile's training step here: {@code TrainingRun} starts the runtime with the training handler and
     * writes the class-data archive to {@code archive}.
     *
     * @throws IllegalStateException when the training run fails
     */
    public void train(Path archive) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-cp", taskRoot + File.pathSeparator + taskRoot.resolve("lib") + File.separator + "*",
                "io.skylift.migrator.training.TrainingRun", archive.toString()));
        command.addAll(runtimeCommand("io.skylift.migrator.training.TrainingHandler::handleRequest"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(taskRoot.toFile()).redirectErrorStream(true)
                .redirectOutput(taskRoot.resolveSibling("training.log").toFile());
        builder.environment().put("LAMBDA_TASK_ROOT", taskRoot.toString());
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        try {
            Process process = builder.start();
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("the class-data training run failed; see "
                        + taskRoot.resolveSibling("training.log") + ":\n"
                        + Files.readString(taskRoot.resolveSibling("training.log")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void copyTree(Path source, Path target) {
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path path : walk.toList()) {
                Path destination = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(destination);
                } else {
                    Files.createDirectories(destination.getParent());
                    Files.copy(path, destination, StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + source + " to " + target, e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
