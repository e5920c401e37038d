package io.skylift.lint;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code java io.skylift.lint.LintCommand <directory>}: prints the lint report of a migrations directory. Exit
 * status 0 without error findings, 1 with any, 2 when the directory cannot be read. The build runs it on
 * {@code migrations/} in the {@code verify} phase.
 */
public final class LintCommand {

    private LintCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream out) {
        if (args.length != 1) {
            out.println("Usage: LintCommand <migrations directory>");
            return 2;
        }
        Path directory = Path.of(args[0]).toAbsolutePath().normalize();
        LintResult result;
        try {
            result = new Linter().lintDirectory(directory);
        } catch (IOException e) {
            out.println("skylift lint: cannot read " + directory + ": " + e.getMessage());
            return 2;
        }
        out.print(result.report(directory.toString()));
        return result.hasErrors() ? 1 : 0;
    }
}
