package io.skylift.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** Finds the repository root: the nearest directory, from a start directory upwards, holding {@code cdk.json}. */
public final class RepositoryRoot {

    private RepositoryRoot() {
    }

    /**
     * @param start where to start, usually the working directory: the root itself under {@code cdk synth},
     *              {@code infra/} under Maven's tests
     * @throws IllegalStateException when no directory up to the file system root holds {@code cdk.json}
     */
    public static Path find(Path start) {
        Objects.requireNonNull(start, "start must not be null");
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("cdk.json"))) {
                return dir;
            }
        }
        throw new IllegalStateException("No cdk.json in " + start.toAbsolutePath()
                + " or above: run the app from the Skylift repository");
    }
}
