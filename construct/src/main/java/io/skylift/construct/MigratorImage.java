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
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 */
public final class MigratorImage {

    /** Where the build context sits among this artifact's resources. */
    static final String RESOURCE_ROOT = "/io/skylift/construct/image";

    /** The image's entry point, which must stay executable (resources and jar entries lose the mode). */
    private static final String BOOTSTRAP = "image/src/main/lambda/bootstrap";

    /** What the Dockerfile needs from the artifact, checked before staging. */
    private static final List<String> REQUIRED = List.of("Dockerfile", "function/target/skylift-function.jar",
            BOOTSTRAP, "image/target/training");


    private MigratorImage() {
    }

    /**
     * The image code for a function.
     *
     * @param migrationsDirectory the folder of Flyway SQL migrations baked into the image
     * @param architecture        the function's architecture; the image is built for it
     * @throws IllegalArgumentException when {@code migrationsDirectory} is not a folder
     * @throws IllegalStateException    when this artifact lacks the function (a build that skipped it)
     */
    public static DockerImageCode fromMigrations(String migrationsDirectory, Architecture architecture) {
        Objects.requireNonNull(architecture, "architecture must not be null");
        Path context = stage(Path.of(Objects.requireNonNull(migrationsDirectory, "migrationsDirectory must not be null")));
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
    public static ContainerImage containerImage(String migrationsDirectory, Architecture architecture) {
        Objects.requireNonNull(architecture, "architecture must not be null");
        Path context = stage(Path.of(Objects.requireNonNull(migrationsDirectory, "migrationsDirectory must not be null")));
        return ContainerImage.fromAsset(context.toString(), AssetImageProps.builder()
                .platform(architecture == Architecture.X86_64 ? Platform.LINUX_AMD64 : Platform.LINUX_ARM64)
                .exclude(List.of(".staged"))
                .build());
    }

    /**
     * Stages the build context: the shipped Dockerfile and function, and {@code migrations} as {@code migrations/}.
     *
     * @return the context directory, {@code <java.io.tmpdir>/skylift-image-<digest>}
     */
    public static Path stage(Path migrations) {
        if (!Files.isDirectory(migrations)) {
            throw new IllegalArgumentException("migrationsDirectory " + migrations.toAbsolutePath()
                    + " is not a folder: give the folder holding your Flyway SQL migrations (V1__init.sql, ...)");
        }
        return withShippedContext(shipped -> {
            List<String> missing = REQUIRED.stream().filter(path -> !Files.exists(shipped.resolve(path))).toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("The skylift-construct artifact lacks " + missing + " of the migrator's"
                        + " image: package it after the function and the training run"
                        + " (./mvnw -B -q -pl construct -am -Dmaven.test.skip=true package, or install)");
            }
            try {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                List<Path> shippedFiles = files(shipped);
                List<Path> migrationFiles = files(migrations);
                for (Path file : shippedFiles) {
                    update(digest, shipped.relativize(file).toString(), file);
                }
                for (Path file : migrationFiles) {
                    update(digest, "migrations/" + migrations.relativize(file), file);
                }
                Path context = Path.of(System.getProperty("java.io.tmpdir"),
                        "skylift-image-" + HexFormat.of().formatHex(digest.digest()).substring(0, 32));
                if (!Files.isRegularFile(context.resolve(".staged"))) {
                    Path partial = Files.createTempDirectory(context.getParent(), context.getFileName() + "-");
                    for (Path file : shippedFiles) {
                        copy(file, partial.resolve(shipped.relativize(file).toString()));
                    }
                    for (Path file : migrationFiles) {
                        copy(file, partial.resolve("migrations").resolve(migrations.relativize(file).toString()));
                    }
                    Files.createDirectories(partial.resolve("migrations"));
                    executable(partial.resolve(BOOTSTRAP));
                    Files.writeString(partial.resolve(".staged"), "");
                    moveInPlace(partial, context);
                }
                return context;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot stage the migrator's image context", e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        });
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
