package io.skylift.migrator.migration;

import java.sql.SQLException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.internal.exception.FlywayMigrateException;

/**
 * Turns Flyway's exceptions into short, actionable messages: the failing migration (version and script), the
 * database's SQL state and message, and what to do next. Flyway's own messages quote whole statements and
 * documentation links; an operator reading a CloudFormation event needs the one line that matters.
 */
final class FailureDescriber {
    private static final Pattern CHECKSUM_MISMATCH =
            Pattern.compile("checksum mismatch for migration version ([^\\s]+)", Pattern.CASE_INSENSITIVE);

    private FailureDescriber() {
    }

    /**
     * @param scriptOfVersion finds the script of a version in the image, for checksum messages; may return null
     */
    static String describe(RuntimeException failure, Function<String, String> scriptOfVersion) {
        if (failure instanceof FlywayMigrateException migrate) {
            return describeMigrate(migrate);
        }
        if (failure instanceof FlywayValidateException validate) {
            return describeValidate(validate.getMessage(), scriptOfVersion);
        }
        if (failure instanceof FlywayException flyway) {
            return "Flyway failed: " + firstLines(flyway.getMessage(), 3) + databaseError(flyway);
        }
        return failure.getClass().getSimpleName() + ": " + firstLines(failure.getMessage(), 3);
    }

    private static String describeMigrate(FlywayMigrateException e) {
        MigrationInfo info = e.getMigration();
        String which = info == null ? "A migration" : "Migration " + MigrationSummary.of(info).label();
        SQLException sql = rootSqlException(e);
        String line = e.getLineNumber() > 0 ? " at line " + e.getLineNumber() : "";
        String error = sql != null ? firstLines(sql.getMessage(), 1) + " (SQL state " + sql.getSQLState() + ")"
                : firstLines(e.getMessage(), 2);
        return which + " failed" + line + ": " + error + ". PostgreSQL rolled this migration back; migrations "
                + "before it stay applied. Fix the script (or the data it trips on) and deploy again.";
    }

    static String describeValidate(String message, Function<String, String> scriptOfVersion) {
        Matcher mismatch = CHECKSUM_MISMATCH.matcher(message == null ? "" : message);
        if (mismatch.find()) {
            String version = mismatch.group(1);
            String script = scriptOfVersion.apply(version);
            return "Validation failed: migration V" + version + (script == null ? "" : " (" + script + ")")
                    + " was changed after it was applied (checksum mismatch). Restore the file as it was; if the "
                    + "change is intended and harmless, run the 'repair' command to accept it.";
        }
        return "Validation failed: " + firstLines(message, 4)
                + " Run the 'info' command to see the schema history; 'repair' fixes the history after a failed "
                + "or changed migration.";
    }

    private static String databaseError(Throwable e) {
        SQLException sql = rootSqlException(e);
        return sql == null ? "" : " Database error: " + firstLines(sql.getMessage(), 1)
                + " (SQL state " + sql.getSQLState() + ")";
    }

    private static SQLException rootSqlException(Throwable e) {
        SQLException found = null;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                found = sql;
            }
        }
        return found;
    }

    /** The first {@code n} meaningful lines, joined, without Flyway's separator rules and links. */
    static String firstLines(String message, int n) {
        if (message == null) {
            return "(no message)";
        }
        StringBuilder out = new StringBuilder();
        int taken = 0;
        for (String line : message.split("\\R")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("---") || trimmed.contains("https://")) {
                continue;
            }
            if (taken > 0) {
                out.append(' ');
            }
            out.append(trimmed);
            if (++taken == n) {
                break;
            }
        }
        return out.toString();
    }
}
