package io.skylift.image;

import io.skylift.migrator.MigratorHandler;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The image's {@code /var/task} laid out on local disk the way the Dockerfile lays it out (its function stage), and the
 * Dockerfile's training step run on it: the function's jar and its runtime jars in {@code lib/}, the migrations, the
 * bootstrap, then the AOT cache. Every path the Dockerfile names under {@value DockerfileStages#TASK_ROOT} is this
 * layout's {@link #taskRoot()}.
 */
public final class ImageLayout {
    /** The repository (this module's parent directory). */
    public static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    public static final Path FUNCTION_MODULE = REPOSITORY.resolve("function");

    private final Path taskRoot;

    private ImageLayout(Path taskRoot) {
        this.taskRoot = taskRoot;
    }

    /**
     * Lays the function stage out under {@code directory} (replacing what was there), with {@code migrations} as its
     * {@code migrations/}. The function's jar is its classes as the build made them (jarred here when the build has
     * only compiled them); its runtime jars come from {@code function/target/dependency}, as in the Dockerfile.
     */
    public static ImageLayout build(Path migrations, Path directory) {
        Path taskRoot = directory.resolve("task");
        deleteTree(directory);
        Path lib = taskRoot.resolve("lib");
        copyTree(FUNCTION_MODULE.resolve("target/dependency"), lib);
        functionJar(lib.resolve("skylift-function.jar"));
        copyTree(migrations, taskRoot.resolve("migrations"));
        try {
            Files.copy(REPOSITORY.resolve(DockerfileStages.read().bootstrapSource()), taskRoot.resolve("bootstrap"),
                    StandardCopyOption.COPY_ATTRIBUTES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ImageLayout(taskRoot);
    }

    /** A layout already on disk (its {@code /var/task}), e.g. a copy of a built one with one jar changed. */
    public static ImageLayout at(Path taskRoot) {
        return new ImageLayout(taskRoot);
    }

    /** The layout's {@code /var/task}. */
    public Path taskRoot() {
        return taskRoot;
    }

    /** The image's entry point. */
    public Path bootstrap() {
        return taskRoot.resolve("bootstrap");
    }

    /** The AOT cache, where the Dockerfile's training stage writes it and its final stage puts it. */
    public Path cache() {
        return local(DockerfileStages.read().trainedCache());
    }

    /** An image path ({@code /var/task/...}) in this layout. */
    public Path local(String imagePath) {
        if (!imagePath.startsWith(DockerfileStages.TASK_ROOT + "/")) {
            throw new IllegalArgumentException(imagePath + " is not under " + DockerfileStages.TASK_ROOT);
        }
        return taskRoot.resolve(imagePath.substring(DockerfileStages.TASK_ROOT.length() + 1));
    }

    /**
     * Runs the Dockerfile's training step on this layout: its {@code RUN java ... TrainingRun <bootstrap> <cache>} with
     * the image paths mapped here and this JVM's class path for the training run's own ({@code /training/*}).
     *
     * @param environment added for the function's JVM (JAVA_HOME, JAVA_TOOL_OPTIONS of a test)
     * @throws IllegalStateException when the training fails; the message holds its output
     */
    public void train(Map<String, String> environment) {
        List<String> run = DockerfileStages.read().trainingCommand();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(File.pathSeparator)));
        for (String argument : run.subList(run.indexOf(TrainingRun.class.getName()), run.size())) {
            command.add(argument.startsWith(DockerfileStages.TASK_ROOT + "/") ? local(argument).toString() : argument);
        }
        Path log = taskRoot.resolveSibling("training.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(taskRoot.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("LAMBDA_TASK_ROOT", taskRoot.toString());
        try {
            Process process = builder.start();
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("the AOT training run failed:\n" + Files.readString(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The function's jar: the build's, or its compiled classes jarred (a build that stopped before package). */
    private static void functionJar(Path target) {
        try {
            Path code = Path.of(MigratorHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(code)) {
                Files.copy(code, target, StandardCopyOption.REPLACE_EXISTING);
                return;
            }
            try (OutputStream out = Files.newOutputStream(target); JarOutputStream jar = new JarOutputStream(out);
                 Stream<Path> files = Files.walk(code)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    jar.putNextEntry(new JarEntry(code.relativize(file).toString().replace(File.separatorChar, '/')));
                    Files.copy(file, jar);
                    jar.closeEntry();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void copyTree(Path source, Path target) {
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

    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
