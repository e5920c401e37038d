package io.skylift.migrator.invocation;

import io.skylift.migrator.failure.InvalidInvocationException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A migration file sent in a {@code plan} or {@code lint} payload instead of read from the image: how the pipeline
 * asks prod's function (still running the previous image) about the migrations of the commit being promoted.
 *
 * @param script  the path relative to the migrations folder, {@code /}-separated, e.g. {@code V5__add_index.sql}
 * @param content the file's text
 */
public record ProvidedMigration(String script, String content) {
    /** Relative, no {@code ..}, no hidden or empty segments, a {@code .sql} file: it becomes a file name. */
    private static final Pattern SAFE_PATH = Pattern.compile("([A-Za-z0-9_][A-Za-z0-9_.-]*/)*[A-Za-z0-9_][A-Za-z0-9_.-]*\\.sql");

    public ProvidedMigration {
        Objects.requireNonNull(script, "script must not be null");
        Objects.requireNonNull(content, "content must not be null");
        if (!SAFE_PATH.matcher(script).matches() || script.contains("..")) {
            throw new InvalidInvocationException("Migration script '" + script + "' is not a relative path of a .sql"
                    + " file (letters, digits, '_', '.', '-' and '/' only, no '..'): send paths relative to the"
                    + " migrations folder, e.g. V5__add_index.sql");
        }
    }

    /** The script name only: the content can be large and is not for logs. */
    @Override
    public String toString() {
        return "ProvidedMigration[" + script + ", " + content.length() + " chars]";
    }
}
