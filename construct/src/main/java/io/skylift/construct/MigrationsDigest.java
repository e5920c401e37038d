package io.skylift.construct;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A short, stable digest of a migrations folder's content: SHA-256 over each regular file's relative path ({@code /}
 * separated) and bytes, in path order. Only names and content count, never modification times or listing order, so
 * the same migrations give the same digest on any machine and in any checkout.
 */
public final class MigrationsDigest {

    /** Hex characters kept: 48 bits, enough to tell one folder's versions apart. */
    public static final int LENGTH = 12;

    private MigrationsDigest() {
    }

    /**
     * @return the first {@value #LENGTH} hex characters of the folder's SHA-256
     * @throws IllegalArgumentException naming the folder when it is not a directory
     */
    public static String of(String migrationsDirectory) {
        return of(migrationsDirectory, Map.of());
    }

    /**
     * The digest of the migrations and of the target they run against: {@code target}'s entries (for example the
     * function's environment: database endpoint, secret, database name, placeholders) in name order, after the files.
     * The same migrations against another cluster, secret or database give another digest.
     *
     * @return the first {@value #LENGTH} hex characters of the SHA-256
     * @throws IllegalArgumentException naming the folder when it is not a directory
     */
    public static String of(String migrationsDirectory, Map<String, String> target) {
        Objects.requireNonNull(target, "target must not be null");
        Path root = Path.of(migrationsDirectory);
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("migrationsDirectory must be a folder of Flyway SQL migrations, was '"
                    + migrationsDirectory + "'");
        }
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path file : files(root)) {
                digest.update(root.relativize(file).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(Files.readAllBytes(file));
                digest.update((byte) 0);
            }
            // Kept apart from the files' part by a byte no path holds; without a target the digest is the files' alone.
            for (Map.Entry<String, String> entry : new TreeMap<>(target).entrySet()) {
                digest.update((byte) 1);
                digest.update(entry.getKey().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(String.valueOf(entry.getValue()).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, LENGTH);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the migrations in " + root, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).sorted((a, b) -> root.relativize(a).toString().replace('\\', '/')
                    .compareTo(root.relativize(b).toString().replace('\\', '/'))).toList();
        }
    }
}
