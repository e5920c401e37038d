package io.skylift.infra.lint;

import io.skylift.lint.LintResult;
import io.skylift.lint.Linter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Lints the repository's {@code migrations/} before the app builds anything: an error finding stops {@code cdk synth}
 * (and with it the pipeline, before any stage deploys); warnings are printed and synthesis goes on.
 */
public final class MigrationsGate {

    private MigrationsGate() {
    }

    /**
     * @param repositoryRoot the directory holding {@code migrations/}
     * @param log            where the report goes when there is a finding (the synth's standard error)
     * @return the result, when it holds no error
     * @throws MigrationsRejectedException with the whole report when a migration has an error finding
     */
    public static LintResult check(Path repositoryRoot, PrintStream log) {
        Objects.requireNonNull(repositoryRoot, "repositoryRoot must not be null");
        Path migrations = repositoryRoot.resolve("migrations");
        if (!Files.isDirectory(migrations)) {
            throw new MigrationsRejectedException("No migrations/ folder in " + repositoryRoot
                    + ": the migrator's image bakes it in; create it (it may be empty)");
        }
        LintResult result;
        try {
            result = new Linter().lintDirectory(migrations);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + migrations, e);
        }
        String report = result.report("migrations/");
        if (result.hasErrors()) {
            throw new MigrationsRejectedException(report);
        }
        if (!result.findings().isEmpty()) {
            log.print(report);
        }
        return result;
    }

    /** A migration has an error finding: the message is the lint report. */
    public static final class MigrationsRejectedException extends IllegalArgumentException {
        public MigrationsRejectedException(String report) {
            super(report);
        }
    }
}
