package io.skylift.image;

import io.skylift.image.DockerfileStages.Instruction;
import io.skylift.image.DockerfileStages.Stage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Carries out the Dockerfile as written, without a Docker engine: every stage gets a directory as its root file
 * system, {@code FROM} an earlier stage starts from a copy of that stage's root, {@code COPY} and {@code ADD} copy from
 * the build context (what {@code .dockerignore} lets through) or from an earlier stage's root, and {@code RUN} runs its
 * line with {@code /bin/sh -c}, the image's absolute paths mapped onto the stage's root. The Lambda base image is this
 * machine's JDK (the base image's {@code java} on {@code PATH}) and its {@code LAMBDA_TASK_ROOT} and working
 * directory. An instruction this class does not know fails the build: a Dockerfile that grows one must teach it here.
 *
 * <p>{@code USER}: Docker runs {@code RUN} as root unless a {@code USER} instruction names another user, and so does
 * this class when it runs as root: a {@code RUN} after {@code USER <not root>} then runs in a user namespace of its
 * own ({@code unshare -U}), where it is the overflow user (nobody), not root, and still reaches the staged root's
 * files. Run by another user, every {@code RUN} runs as that user (it cannot become root). The stage records its user
 * ({@link StageRoot#user()}).
 */
public final class StagedBuild {
    /** What the Lambda Java base image sets (its ENV and WORKDIR). */
    private static final Map<String, String> LAMBDA_BASE_ENV = Map.of("LAMBDA_TASK_ROOT", "/var/task",
            "LAMBDA_RUNTIME_DIR", "/var/runtime");
    private static final String LAMBDA_BASE = "public.ecr.aws/lambda/java:";
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}|\\$(\\w+)");
    private static final Pattern ABSOLUTE = Pattern.compile("(?<=^|[\\s\"'=:])/([A-Za-z0-9._-]+)");
    private static final long RUN_TIMEOUT_MINUTES = 10;
    /** Docker's user for RUN when no USER instruction names one. */
    private static final String ROOT = "root";

    private final DockerfileStages dockerfile;
    private final BuildContext context;
    private final Function<String, Path> downloads;
    private final Path javaHome;

    /**
     * @param downloads what an {@code ADD <url>} fetches: the local file standing in for the URL (the test CA for
     *                  Amazon RDS's bundles); throws for a URL it does not stand in for
     * @param javaHome  the JDK standing in for the base image's
     */
    public StagedBuild(DockerfileStages dockerfile, BuildContext context, Function<String, Path> downloads,
                       Path javaHome) {
        this.dockerfile = Objects.requireNonNull(dockerfile, "dockerfile must not be null");
        this.context = Objects.requireNonNull(context, "context must not be null");
        this.downloads = Objects.requireNonNull(downloads, "downloads must not be null");
        this.javaHome = Objects.requireNonNull(javaHome, "javaHome must not be null");
    }

    /** The build context: a directory, with {@code .dockerignore} applied, and sources replaced by other folders. */
    public record BuildContext(Path root, Map<String, Path> replaced) {
        public BuildContext {
            Objects.requireNonNull(root, "root must not be null");
            replaced = Map.copyOf(replaced);
        }

        public static BuildContext of(Path root) {
            return new BuildContext(root, Map.of());
        }

        /** This context with {@code source} (a path relative to the context) taken from {@code replacement}. */
        public BuildContext replacing(String source, Path replacement) {
            Map<String, Path> all = new HashMap<>(replaced);
            all.put(source, replacement);
            return new BuildContext(root, all);
        }

        Path resolve(String source) {
            Path replacement = replaced.get(source.replaceAll("/+$", ""));
            return replacement != null ? replacement : root.resolve(source);
        }

        /** Whether {@code .dockerignore} lets the file {@code relative} (to the context) into the context. */
        boolean admits(String source, Path relative) {
            if (replaced.containsKey(source.replaceAll("/+$", ""))) {
                return true;
            }
            Path ignoreFile = root.resolve(".dockerignore");
            if (!Files.isRegularFile(ignoreFile)) {
                return true;
            }
            List<String> patterns;
            try {
                patterns = Files.readAllLines(ignoreFile).stream().map(String::strip)
                        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // Docker: the last pattern that matches the path or one of its parents decides.
            boolean ignored = false;
            for (String pattern : patterns) {
                boolean negated = pattern.startsWith("!");
                PathMatcher matcher = FileSystems.getDefault()
                        .getPathMatcher("glob:" + (negated ? pattern.substring(1) : pattern).replaceAll("^/", ""));
                for (Path prefix = relative; prefix != null; prefix = prefix.getParent()) {
                    if (matcher.matches(prefix)) {
                        ignored = !negated;
                        break;
                    }
                }
            }
            return !ignored;
        }
    }

    /**
     * One stage carried out: its root directory, environment and working directory (image paths), and the user its
     * {@code RUN}s run as ({@code root} unless a {@code USER} said otherwise).
     */
    public record StageRoot(Path root, Map<String, String> environment, String workdir, List<String> entrypoint,
                            List<String> cmd, String user) {
        /** Whether {@link #user()} is root, by name or by id. */
        public boolean runsAsRoot() {
            return user.equals("root") || user.equals("0") || user.startsWith("root:") || user.startsWith("0:");
        }

        /** An image path ({@code /var/task/...}) under this root. */
        public Path local(String imagePath) {
            if (!imagePath.startsWith("/")) {
                throw new IllegalArgumentException(imagePath + " is not an absolute image path");
            }
            return root.resolve(imagePath.substring(1));
        }
    }

    /** Carries out every stage under {@code work} (emptied first); the last stage's root is the image. */
    public Map<String, StageRoot> run(Path work) {
        return run(work, Map.of());
    }

    /**
     * Carries out every stage under {@code work} (emptied first), a {@code FROM} naming one of {@code images}'
     * references starting from a copy of that staged root: an image built elsewhere (the published base image, a
     * stage of another Dockerfile) standing in for the registry's.
     */
    public Map<String, StageRoot> run(Path work, Map<String, StageRoot> images) {
        deleteTree(work);
        Map<String, StageRoot> done = new LinkedHashMap<>();
        List<Stage> stages = dockerfile.stages();
        for (int i = 0; i < stages.size(); i++) {
            Stage stage = stages.get(i);
            Path root = work.resolve(i + "-" + (stage.name() == null ? "image" : stage.name()));
            StageRoot current = start(stage, root, done, images);
            for (Instruction instruction : stage.instructions()) {
                current = carryOut(instruction, current, done);
            }
            done.put(stage.name() == null ? "#" + i : stage.name(), current);
        }
        return done;
    }

    private StageRoot start(Stage stage, Path root, Map<String, StageRoot> done, Map<String, StageRoot> images) {
        StageRoot earlier = done.containsKey(stage.from()) ? done.get(stage.from()) : images.get(stage.from());
        if (earlier != null) {
            copyTree(earlier.root(), root);
            return new StageRoot(root, earlier.environment(), earlier.workdir(), earlier.entrypoint(), earlier.cmd(),
                    earlier.user());
        }
        createDirectories(root);
        if (stage.from().equals("scratch")) {
            return new StageRoot(root, Map.of(), "/", List.of(), List.of(), ROOT);
        }
        if (stage.from().startsWith(LAMBDA_BASE)) {
            // The base image's own folders (its task root is also its working directory).
            LAMBDA_BASE_ENV.values().forEach(folder -> createDirectories(root.resolve(folder.substring(1))));
            return new StageRoot(root, LAMBDA_BASE_ENV, "/var/task", List.of(), List.of(), ROOT);
        }
        throw new AssertionError("the staged build knows the base images scratch, " + LAMBDA_BASE + "* and "
                + images.keySet() + ", not " + stage.from());
    }

    private StageRoot carryOut(Instruction instruction, StageRoot stage, Map<String, StageRoot> done) {
        switch (instruction.keyword()) {
            case "COPY" -> copy(instruction, stage, done);
            case "ADD" -> add(instruction, stage);
            case "RUN" -> run(instruction, stage);
            case "ENTRYPOINT", "CMD" -> {
                if (!instruction.execForm()) {
                    throw new AssertionError(instruction.keyword() + " must be in exec form (a JSON array), so that "
                            + "the bootstrap gets the signals and the arguments as written: " + instruction.arguments());
                }
                return instruction.keyword().equals("ENTRYPOINT")
                        ? new StageRoot(stage.root(), stage.environment(), stage.workdir(), instruction.words(),
                        stage.cmd(), stage.user())
                        : new StageRoot(stage.root(), stage.environment(), stage.workdir(), stage.entrypoint(),
                        instruction.words(), stage.user());
            }
            case "USER" -> {
                if (instruction.words().size() != 1) {
                    throw new AssertionError("USER takes one user[:group]: " + instruction.arguments());
                }
                return new StageRoot(stage.root(), stage.environment(), stage.workdir(), stage.entrypoint(),
                        stage.cmd(), instruction.words().get(0));
            }
            default -> throw new AssertionError("the staged build does not carry out " + instruction.keyword()
                    + " yet: teach StagedBuild what Docker does with it");
        }
        return stage;
    }

    private void copy(Instruction instruction, StageRoot stage, Map<String, StageRoot> done) {
        List<String> words = instruction.words();
        String target = expand(words.get(words.size() - 1), stage);
        String from = instruction.flags().get("from");
        for (String source : words.subList(0, words.size() - 1)) {
            String expanded = expand(source, stage);
            if (from == null) {
                Path path = context.resolve(expanded);
                if (!Files.exists(path) || !context.admits(expanded, Path.of(expanded))) {
                    throw new AssertionError("COPY " + source + ": not in the build context (missing, or left out by "
                            + ".dockerignore): " + path);
                }
                place(path, target, stage, instruction.flags().get("chmod"),
                        file -> context.admits(expanded, Path.of(expanded).resolve(path.relativize(file))));
            } else {
                StageRoot earlier = done.get(from);
                if (earlier == null) {
                    throw new AssertionError("COPY --from=" + from + ": no earlier stage of that name");
                }
                Path path = earlier.local(expanded);
                if (!Files.exists(path)) {
                    throw new AssertionError("COPY --from=" + from + " " + source + ": the stage has no " + expanded);
                }
                place(path, target, stage, instruction.flags().get("chmod"), file -> true);
            }
        }
    }

    private void add(Instruction instruction, StageRoot stage) {
        List<String> words = instruction.words();
        if (words.size() != 2 || !words.get(0).matches("https?://.*")) {
            throw new AssertionError("the staged build carries out ADD of one URL only: " + instruction.arguments());
        }
        String url = words.get(0);
        String target = expand(words.get(1), stage);
        Path local = stage.local(target.endsWith("/") ? target + url.substring(url.lastIndexOf('/') + 1) : target);
        createDirectories(local.getParent());
        try {
            Files.copy(downloads.apply(url), local, StandardCopyOption.REPLACE_EXISTING);
            // Docker gives a file fetched from a URL mode 600 unless --chmod says otherwise.
            chmod(local, instruction.flags().getOrDefault("chmod", "600"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void run(Instruction instruction, StageRoot stage) {
        if (instruction.execForm()) {
            throw new AssertionError("the staged build carries out RUN in shell form only: " + instruction.arguments());
        }
        String line = mapPaths(instruction.arguments(), stage.root());
        List<String> command = !stage.runsAsRoot() && currentUserIsRoot()
                ? List.of("unshare", "--user", "/bin/sh", "-c", line) : List.of("/bin/sh", "-c", line);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(stage.local(stage.workdir()).toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", javaHome.resolve("bin") + ":/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "C.UTF-8");
        stage.environment().forEach((name, value) -> env.put(name, mapPaths(value, stage.root())));
        Path log = stage.root().resolveSibling(stage.root().getFileName() + "-run.log");
        builder.redirectOutput(log.toFile());
        try {
            Process process = builder.start();
            if (!process.waitFor(RUN_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("RUN " + instruction.arguments() + " did not finish in " + RUN_TIMEOUT_MINUTES
                        + " minutes:\n" + Files.readString(log));
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("RUN " + instruction.arguments() + " failed with exit code "
                        + process.exitValue() + " (as " + line + "):\n" + Files.readString(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean currentUserIsRoot() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    /** {@code text} with every absolute path whose first directory exists in the stage's root moved under it. */
    static String mapPaths(String text, Path root) {
        Matcher matcher = ABSOLUTE.matcher(text);
        StringBuilder mapped = new StringBuilder();
        while (matcher.find()) {
            String replacement = Files.exists(root.resolve(matcher.group(1)))
                    ? root + "/" + matcher.group(1) : matcher.group();
            matcher.appendReplacement(mapped, Matcher.quoteReplacement(replacement));
        }
        return matcher.appendTail(mapped).toString();
    }

    private static String expand(String text, StageRoot stage) {
        Matcher matcher = VARIABLE.matcher(text);
        StringBuilder expanded = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
            String value = stage.environment().get(name);
            if (value == null) {
                throw new AssertionError("$" + name + " is not set in this stage (" + text + ")");
            }
            matcher.appendReplacement(expanded, Matcher.quoteReplacement(value));
        }
        return matcher.appendTail(expanded).toString();
    }

    /**
     * Docker's COPY: a directory's contents go into the target directory; a file goes into it when the target ends
     * with a slash, else becomes the target. Modification times are kept (an AOT cache checks its jars' times).
     */
    private static void place(Path source, String target, StageRoot stage, String chmod,
                              java.util.function.Predicate<Path> admitted) {
        Path destination = stage.local(target);
        try {
            if (Files.isDirectory(source)) {
                try (Stream<Path> walk = Files.walk(source)) {
                    for (Path path : walk.filter(Files::isRegularFile).filter(admitted).toList()) {
                        Path to = destination.resolve(source.relativize(path).toString());
                        createDirectories(to.getParent());
                        Files.copy(path, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                        chmod(to, chmod);
                    }
                }
            } else {
                Path to = target.endsWith("/") ? destination.resolve(source.getFileName().toString()) : destination;
                createDirectories(to.getParent());
                Files.copy(source, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                chmod(to, chmod);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void chmod(Path file, String octal) throws IOException {
        if (octal == null) {
            return;
        }
        int mode = Integer.parseInt(octal, 8);
        StringBuilder symbolic = new StringBuilder();
        for (int shift = 6; shift >= 0; shift -= 3) {
            int bits = mode >> shift & 7;
            symbolic.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-')
                    .append((bits & 1) != 0 ? 'x' : '-');
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(symbolic.toString()));
    }

    private static void createDirectories(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a tree, keeping modification times and permissions (a stage built {@code FROM} another). */
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
