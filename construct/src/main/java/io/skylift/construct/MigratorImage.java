package io.skylift.construct;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import software.amazon.awscdk.services.ecr.assets.Platform;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.AssetImageCodeProps;
import software.amazon.awscdk.services.ecs.AssetImageProps;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.lambda.DockerImageCode;

/**
 * The migrator's container image, built from what this artifact ships and the caller's migrations: the one way to
 * build it, for this repository's app and for adopters alike.
 *
 * <p>The artifact carries the repository's {@code Dockerfile} and, at the paths it copies from, what Maven built: the
 * function's jar and runtime jars ({@code function/target/}), its bootstrap, and the AOT training run
 * ({@code image/target/training/}, used by the Dockerfile's training stage only). At synth time they are staged with a
 * copy of the caller's migrations folder ({@code migrations/}) into a build context whose directory is named by the
 * digest of its content, and that directory becomes the image asset: the image is rebuilt exactly when the function or
 * a migration changes. The image is thus the same, layout, entry point and AOT cache, for every user.
 *
 * <p>On a published base image ({@link SchemaMigratorProps.Builder#baseImage}, pinned by digest): the context is only
 * the adopter Dockerfile ({@code image/src/main/docker/adopter.Dockerfile}, shipped, with the reference written in as
 * its argument's default) and the migrations; the image is that base plus {@code COPY migrations}, nothing run.
 */
public final class MigratorImage {

    /** Where the build context sits among this artifact's resources. */
    static final String RESOURCE_ROOT = "/io/skylift/construct/image";

    /** The image's entry point, which must stay executable (resources and jar entries lose the mode). */
    private static final String BOOTSTRAP = "image/src/main/lambda/bootstrap";

    /** What the Dockerfile needs from the artifact, checked before staging. */
    private static final List<String> REQUIRED = List.of("Dockerfile", "function/target/skylift-function.jar",
            BOOTSTRAP, "image/target/training");

    /** The Dockerfile of an image on the published base, and the line its reference is written into. */
    private static final String ADOPTER_DOCKERFILE = "image/src/main/docker/adopter.Dockerfile";
    private static final String BASE_IMAGE_ARG = "ARG SKYLIFT_BASE_IMAGE";

    /** A reference pinned by digest: {@code [host[:port]/]repository[:tag]@sha256:<64 hex>}, lower-case names. */
    private static final Pattern PINNED = Pattern.compile("[a-z0-9]([a-z0-9._-]*[a-z0-9])?(:[0-9]+)?"
            + "(/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?@sha256:[0-9a-f]{64}");


    private MigratorImage() {
    }

    /**
     * The image code for a function.
     *
     * @param migrationsDirectory the folder of Flyway SQL migrations baked into the image
     * @param architecture        the function's architecture; the image is built for it
     * @param baseImage           the published base image, pinned by digest; {@code null}: built from this artifact
     * @throws IllegalArgumentException when {@code migrationsDirectory} is not a folder
     * @throws IllegalStateException    when this artifact lacks the function (a build that skipped it)
     */
    public static DockerImageCode fromMigrations(String migrationsDirectory, Architecture architecture,
                                                 String baseImage) {
        Objects.requireNonNull(architecture, "architecture must not be null");
        Path context = context(migrationsDirectory, baseImage);
        return DockerImageCode.fromImageAsset(context.toString(), AssetImageCodeProps.builder()
                .platform(architecture == Architecture.X86_64 ? Platform.LINUX_AMD64 : Platform.LINUX_ARM64)
                // The staging marker is not part of the image.
                .exclude(List.of(".staged"))
                .build());
    }

    /**
     * The same image for an ECS task ({@link MigrationWorkflow}): the same staged context and build options, hence the
     * same asset, built and pushed once.
     */
    public static ContainerImage containerImage(String migrationsDirectory, Architecture architecture,
                                                String baseImage) {
        Objects.requireNonNull(architecture, "architecture must not be null");
        Path context = context(migrationsDirectory, baseImage);
        return ContainerImage.fromAsset(context.toString(), AssetImageProps.builder()
                .platform(architecture == Architecture.X86_64 ? Platform.LINUX_AMD64 : Platform.LINUX_ARM64)
                .exclude(List.of(".staged"))
                .build());
    }

    /**
     * {@code reference} if it is pinned by digest, {@code null} if it is {@code null}.
     *
     * @throws IllegalArgumentException when it is not pinned by digest
     */
    static String checkedBaseImage(String reference) {
        if (reference != null && !PINNED.matcher(reference).matches()) {
            throw new IllegalArgumentException("baseImage must be pinned by digest, "
                    + "<registry>/<repository>@sha256:<64 hex digits> (a tag can be moved to another image, and the AOT"
                    + " cache and the tests hold only for the image that was built), got " + reference);
        }
        return reference;
    }

    private static Path context(String migrationsDirectory, String baseImage) {
        Path migrations = Path.of(Objects.requireNonNull(migrationsDirectory, "migrationsDirectory must not be null"));
        return baseImage == null ? stage(migrations) : stageOnBase(migrations, baseImage);
    }

    /**
     * Stages the build context of an image on the published base image {@code baseImage}: a Dockerfile
     * {@code FROM} it, and {@code migrations} as {@code migrations/}; nothing of the function.
     *
     * @return the context directory, {@code <java.io.tmpdir>/skylift-image-<digest>}
     * @throws IllegalArgumentException when {@code baseImage} is not pinned by digest
     */
    public static Path stageOnBase(Path migrations, String baseImage) {
        String reference = Objects.requireNonNull(checkedBaseImage(baseImage), "baseImage must not be null");
        checkFolder(migrations);
        return withShippedContext(shipped -> {
            Path template = shipped.resolve(ADOPTER_DOCKERFILE);
            if (!Files.isRegularFile(template)) {
                throw new IllegalStateException("The skylift-construct artifact lacks " + ADOPTER_DOCKERFILE
                        + ": package it after the image module (./mvnw -B -q -pl construct -am package)");
            }
            try {
                String text = Files.readString(template);
                String argument = "\n" + BASE_IMAGE_ARG + "\n";
                if (!text.contains(argument)) {
                    throw new IllegalStateException(ADOPTER_DOCKERFILE + " has no line " + BASE_IMAGE_ARG);
                }
                String dockerfile = text.replace(argument, "\n" + BASE_IMAGE_ARG + "=" + reference + "\n");
                Path generated = Files.createTempFile("skylift-adopter-", ".Dockerfile");
                try {
                    Files.writeString(generated, dockerfile);
                    return stageFiles(Map.of("Dockerfile", generated), migrations);
                } finally {
                    Files.delete(generated);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot stage the migrator's image context", e);
            }
        });
    }

    /**
     * Stages the build context: the shipped Dockerfile and function, and {@code migrations} as {@code migrations/}.
     *
     * @return the context directory, {@code <java.io.tmpdir>/skylift-image-<digest>}
     */
    public static Path stage(Path migrations) {
        checkFolder(migrations);
        return withShippedContext(shipped -> {
            List<String> missing = REQUIRED.stream().filter(path -> !Files.exists(shipped.resolve(path))).toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("The skylift-construct artifact lacks " + missing + " of the migrator's"
                        + " image: package it after the function and the training run"
                        + " (./mvnw -B -q -pl construct -am -Dmaven.test.skip=true package, or install)");
            }
            try {
                Map<String, Path> shippedFiles = new LinkedHashMap<>();
                for (Path file : files(shipped)) {
                    // The adopter's Dockerfile is for an image on the published base, not part of this context.
                    if (!shipped.relativize(file).toString().equals(ADOPTER_DOCKERFILE)) {
                        shippedFiles.put(shipped.relativize(file).toString(), file);
                    }
                }
                return stageFiles(shippedFiles, migrations);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot stage the migrator's image context", e);
            }
        });
    }

    private static void checkFolder(Path migrations) {
        if (!Files.isDirectory(migrations)) {
            throw new IllegalArgumentException("migrationsDirectory " + migrations.toAbsolutePath()
                    + " is not a folder: give the folder holding your Flyway SQL migrations (V1__init.sql, ...)");
        }
    }

    /** {@code files} (by their path in the context) and {@code migrations} as {@code migrations/}, staged once. */
    private static Path stageFiles(Map<String, Path> files, Path migrations) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            List<Path> migrationFiles = files(migrations);
            for (Map.Entry<String, Path> file : files.entrySet()) {
                update(digest, file.getKey(), file.getValue());
            }
            for (Path file : migrationFiles) {
                update(digest, "migrations/" + migrations.relativize(file), file);
            }
            Path context = Path.of(System.getProperty("java.io.tmpdir"),
                    "skylift-image-" + HexFormat.of().formatHex(digest.digest()).substring(0, 32));
            if (!Files.isRegularFile(context.resolve(".staged"))) {
                Path partial = Files.createTempDirectory(context.getParent(), context.getFileName() + "-");
                for (Map.Entry<String, Path> file : files.entrySet()) {
                    copy(file.getValue(), partial.resolve(file.getKey()));
                }
                for (Path file : migrationFiles) {
                    copy(file, partial.resolve("migrations").resolve(migrations.relativize(file).toString()));
                }
                Files.createDirectories(partial.resolve("migrations"));
                if (files.containsKey(BOOTSTRAP)) {
                    executable(partial.resolve(BOOTSTRAP));
                }
                Files.writeString(partial.resolve(".staged"), "");
                moveInPlace(partial, context);
            }
            return context;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface ContextUser {
        Path use(Path shipped);
    }

    // The context is a folder of target/classes in this repository's build, and a folder inside the jar for adopters.
    private static Path withShippedContext(ContextUser user) {
        URL dockerfile = MigratorImage.class.getResource(RESOURCE_ROOT + "/Dockerfile");
        if (dockerfile == null) {
            throw new IllegalStateException("The skylift-construct artifact lacks " + RESOURCE_ROOT
                    + "/Dockerfile: build it with the function (./mvnw -pl construct -am package)");
        }
        try {
            URI uri = dockerfile.toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem jar;
                boolean opened = false;
                try {
                    jar = FileSystems.newFileSystem(uri, Map.of());
                    opened = true;
                } catch (FileSystemAlreadyExistsException e) {
                    jar = FileSystems.getFileSystem(uri);
                }
                try {
                    return user.use(jar.getPath(RESOURCE_ROOT));
                } finally {
                    if (opened) {
                        jar.close();
                    }
                }
            }
            return user.use(Path.of(uri).getParent());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            // Sorted: the digest, and so the asset, must not depend on the file system's listing order.
            return walk.filter(Files::isRegularFile).sorted((a, b) -> root.relativize(a).toString()
                    .compareTo(root.relativize(b).toString())).toList();
        }
    }

    private static void update(MessageDigest digest, String name, Path file) throws IOException {
        digest.update(name.replace('\\', '/').getBytes(java.nio.charset.StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(Files.readAllBytes(file));
        digest.update((byte) 0);
    }

    private static void executable(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system (Windows): Docker then takes the mode from the Dockerfile's COPY, as it can.
            file.toFile().setExecutable(true, false);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }

    // Another synth in parallel may have staged the same content first: theirs is as good as ours.
    private static void moveInPlace(Path partial, Path context) throws IOException {
        try {
            Files.move(partial, context, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (!Files.isRegularFile(context.resolve(".staged"))) {
                throw e;
            }
            try (Stream<Path> walk = Files.walk(partial)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
