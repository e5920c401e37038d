package io.skylift.migrator.invocation;

import io.skylift.migrator.failure.InvalidInvocationException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A migration file sent in a {@code plan} or {@code lint} payload instead of read from the image: how the pipeline
 * asks prod's function (still running the previous image) about the migrations of the commit being promoted.
 *
 * <p>Only versioned ({@code V<version>__<description>.sql}) and repeatable ({@code R__<description>.sql}) migrations
 * and their {@code .sql.conf} files are accepted, checked by {@link #isMigrationName}: any other name could make
 * Flyway run the file as a callback ({@code beforeInfo.sql}), an undo, or a baseline, and the file is data from a
 * commit nobody approved yet.
 *
 * @param script  the path relative to the migrations folder, {@code /}-separated, e.g. {@code V5__add_index.sql}
 * @param content the file's text
 */
public record ProvidedMigration(String script, String content) {
    /** Relative, no {@code ..}, no hidden or empty segments, a {@code .sql} or {@code .sql.conf} file. */
    private static final Pattern SAFE_PATH =
            Pattern.compile("([A-Za-z0-9_][A-Za-z0-9_.-]*/)*[A-Za-z0-9_][A-Za-z0-9_.-]*\\.sql(\\.conf)?");
    /** Flyway's default versioned and repeatable SQL migration names, optionally their script configuration. */
    private static final Pattern MIGRATION_NAME =
            Pattern.compile("(V[0-9]+([._][0-9]+)*|R)__[A-Za-z0-9_.-]+\\.sql(\\.conf)?");
    /** The suffix of a script's configuration file, e.g. {@code V5__index.sql.conf} beside {@code V5__index.sql}. */
    public static final String CONF_SUFFIX = ".conf";

    public ProvidedMigration {
        Objects.requireNonNull(script, "script must not be null");
        Objects.requireNonNull(content, "content must not be null");
        if (!SAFE_PATH.matcher(script).matches() || script.contains("..")) {
            throw new InvalidInvocationException("Migration script '" + script + "' is not a relative path of a .sql"
                    + " or .sql.conf file (letters, digits, '_', '.', '-' and '/' only, no '..'): send paths relative to the"
                    + " migrations folder, e.g. V5__add_index.sql");
        }
    }

    /** Whether the file's name (its last path segment) is a versioned or repeatable migration or its .sql.conf. */
    public boolean isMigrationName() {
        return MIGRATION_NAME.matcher(script.substring(script.lastIndexOf('/') + 1)).matches();
    }

    /** Whether this is a script's configuration ({@code .sql.conf}), which needs its script beside it. */
    public boolean isScriptConfiguration() {
        return script.endsWith(CONF_SUFFIX);
    }

    /** The script name only: the content can be large and is not for logs. */
    @Override
    public String toString() {
        return "ProvidedMigration[" + script + ", " + content.length() + " chars]";
    }
}
