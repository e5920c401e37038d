package io.skylift.migrator.migration;

import io.skylift.migrator.database.BlockingSession;
import io.skylift.migrator.failure.CauseChain;
import io.skylift.migrator.failure.ErrorCode;
import io.skylift.migrator.failure.MigrationFailedException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.api.output.ValidateResult;

/**
 * Turns Flyway's failures into short, actionable reasons with an {@link ErrorCode}: the
 * failing migration (version and script), the database's SQL state and message, and what to do next. Never an
 * empty reason: Flyway's messages quote whole statements and carry documentation links inside sentences, so links
 * are cut out of the sentence and the sentence is kept. The reasons are not cut to length here: the handler masks
 * secrets first, then cuts (a secret across a cut would survive as a prefix the redactor cannot recognise).
 */
final class FailureDescriber {
    static final String LOCK_TIMEOUT_STATE = "55P03";
    /** Flyway's documentation and support links, e.g. {@code https://rd.gt/3AbCdEf}; the database's own text is kept. */
    private static final Pattern FLYWAY_LINK = Pattern.compile(
            "\\s*\\(?https?://(?:rd\\.gt|(?:www\\.)?flywaydb\\.org|documentation\\.red-gate\\.com"
                    + "|(?:www\\.)?red-gate\\.com)[^\\s)]*?(?=[.,;:]?(?:\\s|\\)|$))\\)?", Pattern.CASE_INSENSITIVE);
    /** What a removed link leaves of its sentence: "See for details." */
    private static final Pattern DANGLING_REFERENCE = Pattern.compile(
            "\\s*\\bsee\\s*(?:for\\s+(?:more\\s+)?(?:details|information)\\s*)?\\.", Pattern.CASE_INSENSITIVE);
    private static final Pattern MISSING_PLACEHOLDER =
            Pattern.compile("No value provided for placeholder:?\\s*(\\$\\{[^}]+})", Pattern.CASE_INSENSITIVE);
    private static final String SCRAM_SUFFIX = "_SCRAM";

    private final Function<String, List<String>> scriptsUsing;
    private final LockRetry lockRetry;

    /**
     * @param scriptsUsing finds the scripts that mention a text (a placeholder), for messages; may return empty
     * @param lockRetry    the lock timeout in force and the sessions seen holding locks, for lock-timeout reasons
     */
    FailureDescriber(Function<String, List<String>> scriptsUsing, LockRetry lockRetry) {
        this.scriptsUsing = scriptsUsing;
        this.lockRetry = lockRetry;
    }

    /** The reason for any failure of a Flyway command (never empty). */
    MigrationFailedException describe(RuntimeException failure) {
        var failed = FlywayInternals.failedMigration(failure);
        if (failed.isPresent()) {
            return describeMigration(failed.get(), failure, lockRetry.blockers().get(), 1, lockRetry.lockTimeout());
        }
        String message = clean(failure.getMessage());
        Matcher placeholder = MISSING_PLACEHOLDER.matcher(message);
        if (placeholder.find()) {
            String name = placeholder.group(1);
            List<String> scripts = scriptsUsing.apply(name);
            String bare = name.substring(2, name.length() - 1).toUpperCase(Locale.ROOT);
            // <name>_scram is the SCRAM verifier offered beside every placeholder secret <name>.
            String fix = bare.endsWith(SCRAM_SUFFIX) ? "set PLACEHOLDER_SECRET_"
                    + bare.substring(0, bare.length() - SCRAM_SUFFIX.length()) + "=<secret ARN>[#<json key>] (its SCRAM "
                    + "verifier fills " + name + ")"
                    : "set FLYWAY_PLACEHOLDERS_" + bare + " or PLACEHOLDER_SECRET_" + bare + "=<secret ARN>[#<json key>]";
            return new MigrationFailedException(ErrorCode.MIGRATION_INVALID, "Placeholder " + name + " has no value"
                    + (scripts.isEmpty() ? "" : " (used in " + String.join(", ", scripts) + ")") + ": " + fix);
        }
        if (failure instanceof FlywayException flyway) {
            var flywayCode = flyway.getErrorCode();
            ErrorCode code = flywayCode == CoreErrorCode.CONFIGURATION
                    || message.toLowerCase(Locale.ROOT).contains("location")
                    ? ErrorCode.FLYWAY_CONFIGURATION : ErrorCode.MIGRATION_INVALID;
            return new MigrationFailedException(code, "Flyway could not run the migrations: "
                    + orNoMessage(message, failure) + databaseError(failure));
        }
        return new MigrationFailedException(ErrorCode.UNEXPECTED, "Unexpected "
                + failure.getClass().getSimpleName() + ": " + orNoMessage(message, failure)
                + " (the function's log has the cause chain)", failure);
    }

    /**
     * The reason for a migration that failed.
     *
     * @param attempts     how many times it was tried (more than one after lock timeouts)
     * @param lockTimeout  the lock timeout in force, for lock-timeout reasons; null otherwise
     */
    MigrationFailedException describeMigration(FlywayInternals.FailedMigration failed, Throwable failure,
                                               List<BlockingSession> blockers, int attempts, Duration lockTimeout) {
        String which = failed.migration() == null ? "A migration"
                : "Migration " + MigrationSummary.of(failed.migration()).label();
        SQLException sql = rootSqlException(failure);
        String line = failed.lineNumber() > 0 ? " at line " + failed.lineNumber() : "";
        String error = sql != null
                ? orNoMessage(clean(firstLine(sql.getMessage())), sql) + " (SQL state " + sql.getSQLState() + ")"
                : orNoMessage(clean(failure.getMessage()), failure);
        boolean lockTimedOut = sql != null && LOCK_TIMEOUT_STATE.equals(sql.getSQLState());
        String aftermath = failed.inTransaction()
                ? " PostgreSQL rolled this migration back; migrations before it stay applied."
                : " It ran outside a transaction, so nothing was rolled back: statements before the failing one stay"
                + " done, and a failed CREATE INDEX CONCURRENTLY leaves an INVALID index (list them with SELECT "
                + "indexrelid::regclass FROM pg_index WHERE NOT indisvalid; drop one with DROP INDEX CONCURRENTLY). "
                + "Flyway recorded the migration as failed: after cleaning up, run the 'repair' command.";
        if (lockTimedOut) {
            return new MigrationFailedException(ErrorCode.MIGRATION_LOCK_TIMEOUT, which + " waited longer than"
                    + " the lock timeout (" + (lockTimeout == null ? "DB_LOCK_TIMEOUT_MS" : lockTimeout.toMillis()
                    + " ms, DB_LOCK_TIMEOUT_MS") + ") for a lock" + (attempts > 1 ? ", " + attempts + " times," : "")
                    + " held by " + BlockingSession.describe(blockers) + "." + aftermath + " End or shorten that "
                    + "session's transaction (SELECT pg_terminate_backend(pid) ends it), then deploy again.");
        }
        return new MigrationFailedException(ErrorCode.MIGRATION_FAILED, which + " failed" + line + ": " + error
                + "." + aftermath + " Fix the script (or the data it trips on) and deploy again.");
    }

    /** Validation problems, read from Flyway's structured result: which migration, and what is wrong with it. */
    static MigrationFailedException describeValidation(ValidateResult result) {
        StringBuilder reason = new StringBuilder("Validation failed:");
        boolean changed = false;
        boolean failedBefore = false;
        List<ValidateOutput> invalid = result.invalidMigrations == null ? List.of() : result.invalidMigrations;
        for (ValidateOutput output : invalid) {
            var code = output.errorDetails == null ? null : output.errorDetails.errorCode;
            String which = (output.version == null || output.version.isEmpty()
                    ? "repeatable migration '" + output.description + "'" : "migration V" + output.version)
                    + (output.filepath == null || output.filepath.isEmpty() ? ""
                    : " (" + fileName(output.filepath) + ")");
            if (code == CoreErrorCode.CHECKSUM_MISMATCH) {
                changed = true;
                reason.append(' ').append(which).append(" was changed after it was applied (checksum mismatch);");
            } else if (code == CoreErrorCode.FAILED_VERSIONED_MIGRATION || code == CoreErrorCode.FAILED_REPEATABLE_MIGRATION) {
                failedBefore = true;
                reason.append(' ').append(which).append(" failed in an earlier run and is recorded as failed;");
            } else if (code == CoreErrorCode.APPLIED_VERSIONED_MIGRATION_NOT_RESOLVED
                    || code == CoreErrorCode.APPLIED_REPEATABLE_MIGRATION_NOT_RESOLVED) {
                reason.append(' ').append(which).append(" is applied but missing from the image;");
            } else {
                String detail = output.errorDetails == null ? null : clean(output.errorDetails.errorMessage);
                reason.append(' ').append(which).append(": ")
                        .append(detail == null || detail.isEmpty() ? String.valueOf(code) : detail).append(';');
            }
        }
        if (invalid.isEmpty()) {
            String detail = result.errorDetails == null ? null : clean(result.errorDetails.errorMessage);
            reason.append(' ').append(detail == null || detail.isEmpty() ? "Flyway reported no detail" : detail)
                    .append(';');
        }
        reason.setLength(reason.length() - 1);
        reason.append('.');
        if (changed) {
            reason.append(" Restore the file as it was; if the change is intended and harmless, run the 'repair' "
                    + "command to accept it.");
        }
        if (failedBefore) {
            reason.append(" Clean up what the failed migration left, then run the 'repair' command.");
        }
        if (!changed && !failedBefore) {
            reason.append(" Run the 'info' command to see the schema history; 'repair' fixes the history after a "
                    + "failed or changed migration.");
        }
        return new MigrationFailedException(ErrorCode.VALIDATION_FAILED, reason.toString());
    }

    private static String databaseError(Throwable e) {
        SQLException sql = rootSqlException(e);
        return sql == null ? "" : " Database error: " + clean(firstLine(sql.getMessage()))
                + " (SQL state " + sql.getSQLState() + ")";
    }

    static SQLException rootSqlException(Throwable e) {
        return CauseChain.last(e, SQLException.class).orElse(null);
    }

    /**
     * Flyway's message made fit for one line: its separator rules and blank lines dropped, its documentation
     * links cut out of their sentences, whitespace collapsed. Null stays empty.
     */
    static String clean(String message) {
        if (message == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (String line : message.split("\\R")) {
            String text = FLYWAY_LINK.matcher(line).replaceAll("");
            text = DANGLING_REFERENCE.matcher(text).replaceAll("").strip().replaceAll(":$", ".");
            if (text.isEmpty() || text.matches("-{3,}.*")) {
                continue;
            }
            if (!out.isEmpty()) {
                out.append(' ');
            }
            out.append(text);
        }
        return out.toString().replaceAll("\\s+", " ").replaceAll(" ([.:,;])", "$1").strip();
    }

    private static String orNoMessage(String cleaned, Throwable failure) {
        return cleaned == null || cleaned.isBlank()
                ? failure.getClass().getSimpleName() + " without a message" : cleaned;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static String fileName(String path) {
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return path.substring(slash + 1);
    }
}
