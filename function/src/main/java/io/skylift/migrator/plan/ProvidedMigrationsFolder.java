package io.skylift.migrator.plan;

import io.skylift.migrator.invocation.ProvidedMigration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The migrations of a {@code plan} or {@code lint} payload, written to a temporary folder that Flyway and the linter
 * read as a {@code filesystem:} location; deleted on {@link #close()}.
 */
public final class ProvidedMigrationsFolder implements AutoCloseable {
    private final Path folder;

    private ProvidedMigrationsFolder(Path folder) {
        this.folder = folder;
    }

    /** Writes {@code migrations} (paths already checked to stay inside the folder) under a new temporary folder. */
    public static ProvidedMigrationsFolder write(List<ProvidedMigration> migrations) {
        Objects.requireNonNull(migrations, "migrations must not be null");
        try {
            Path folder = Files.createTempDirectory("skylift-provided-migrations");
            for (ProvidedMigration migration : migrations) {
                Path file = folder.resolve(migration.script()).normalize();
                if (!file.startsWith(folder)) {
                    throw new IllegalArgumentException("script " + migration.script() + " leaves the folder");
                }
                Files.createDirectories(file.getParent());
                Files.writeString(file, migration.content(), StandardCharsets.UTF_8);
            }
            return new ProvidedMigrationsFolder(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the payload's migrations to a temporary folder", e);
        }
    }

    public Path folder() {
        return folder;
    }

    @Override
    public void close() {
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind in /tmp is harmless and gone with the execution environment
        }
    }
}
