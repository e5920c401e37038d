package io.skylift.migrator.testkit;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * A machine-wide cache of a freshly initialised PostgreSQL data directory. {@code initdb} takes
 * about half a second; copying its result takes a tenth of that, so every JVM after the first
 * copies instead of running it.
 *
 * <p>Safe between JVMs: the cache is written to a private directory and renamed into place, so a
 * reader sees a whole cluster or none.
 */
final class ClusterTemplate {

    /** Zonky's lock file: it marks a live data directory and must not be copied. */
    private static final String LOCK_FILE = "epg-lock";

    private final Path directory;

    /** @param directory where the template lives; its name should change when initdb's options do */
    ClusterTemplate(Path directory) {
        this.directory = directory;
    }

    /** Whether a template exists. */
    boolean exists() {
        return Files.isRegularFile(directory.resolve("PG_VERSION"));
    }

    /**
     * Copies the template to {@code target}, which must not exist.
     *
     * @return false (and copies nothing) when there is no template
     */
    boolean copyTo(Path target) {
        if (!exists()) {
            return false;
        }
        FileTrees.copy(directory, target, LOCK_FILE);
        return true;
    }

    /**
     * Saves {@code dataDirectory} (a cluster that initdb just made and no server has started on) as
     * the template, unless another JVM got there first.
     */
    void save(Path dataDirectory) {
        if (exists()) {
            return;
        }
        Path staging = directory.resolveSibling(directory.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            FileTrees.copy(dataDirectory, staging, LOCK_FILE);
            Files.move(staging, directory, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
            // Another JVM saved it first (or the file system cannot rename atomically): no cache, no harm.
        } catch (IOException e) {
            // Also a lost race on some file systems (rename onto a non-empty directory).
        } finally {
            FileTrees.delete(staging);
        }
    }

    /** Removes the template, e.g. when a server would not start from a copy of it. */
    void delete() {
        FileTrees.delete(directory);
    }
}
