package io.skylift.lint.rules;

import io.skylift.lint.Severity;
import io.skylift.lint.Statement;
import io.skylift.lint.Token;
import java.util.Locale;
import java.util.Set;

/**
 * {@code ADD COLUMN} whose value PostgreSQL must compute row by row (a default calling a function not known to be
 * immutable or stable, a serial type, an identity or a stored generated column): the table is rewritten. Functions are
 * judged by an allow-list of PostgreSQL's built-ins known not to be volatile, because every other function may be:
 * {@code CREATE FUNCTION} makes a volatile one unless told otherwise, and extensions add their own.
 */
final class AddColumnVolatileDefaultRule extends AlterTableRule {
    /**
     * Built-in functions (in {@code pg_catalog}) that are immutable or stable in every form, as PostgreSQL 17's
     * {@code pg_proc.provolatile} says ({@code LocksOnPostgresTest} checks it), and SQL syntax that
     * looks like a call. Such a default is computed once and stored, without a rewrite (PostgreSQL 11+).
     */
    static final Set<String> NON_VOLATILE = Set.of(
            // SQL syntax written like a call
            "CAST", "COALESCE", "NULLIF", "GREATEST", "LEAST", "ROW", "ARRAY", "EXTRACT", "POSITION", "SUBSTRING",
            "TRIM", "OVERLAY", "CURRENT_TIMESTAMP", "CURRENT_TIME", "LOCALTIMESTAMP", "LOCALTIME",
            // time (stable: the transaction's start, not the row's)
            "NOW", "STATEMENT_TIMESTAMP", "TRANSACTION_TIMESTAMP", "TIMEZONE", "DATE_TRUNC", "DATE_PART",
            "MAKE_DATE", "MAKE_TIME", "MAKE_TIMESTAMP", "MAKE_TIMESTAMPTZ", "MAKE_INTERVAL", "TO_TIMESTAMP", "TO_DATE",
            "TO_CHAR", "TO_NUMBER", "AGE",
            // text
            "LOWER", "UPPER", "INITCAP", "LENGTH", "CHAR_LENGTH", "CONCAT", "CONCAT_WS", "FORMAT", "REPLACE",
            "SUBSTR", "LEFT", "RIGHT", "LPAD", "RPAD", "BTRIM", "LTRIM", "RTRIM", "MD5", "ENCODE", "DECODE", "CHR",
            "REPEAT", "SPLIT_PART", "STRING_TO_ARRAY", "ARRAY_TO_STRING", "SHA256", "SHA512",
            // numbers
            "ABS", "ROUND", "TRUNC", "FLOOR", "CEIL", "CEILING", "POWER", "MOD", "SQRT",
            // JSON and arrays
            "JSONB_BUILD_OBJECT", "JSON_BUILD_OBJECT", "JSONB_BUILD_ARRAY", "JSON_BUILD_ARRAY", "TO_JSONB", "TO_JSON",
            "ARRAY_FILL", "ARRAY_LENGTH",
            // the session
            "CURRENT_SETTING", "CURRENT_SCHEMA", "CURRENT_DATABASE");
    /** Type names that take a modifier in parentheses ({@code varchar(20)}): not calls. */
    private static final Set<String> TYPES_WITH_MODIFIERS = Set.of("VARCHAR", "CHAR", "CHARACTER", "VARYING",
            "NUMERIC", "DECIMAL", "DEC", "TIMESTAMP", "TIMESTAMPTZ", "TIME", "TIMETZ", "INTERVAL", "BIT", "FLOAT",
            "VARBIT", "BPCHAR", "NCHAR");
    /** Words that end a column's DEFAULT expression: the column constraints that may follow it. */
    private static final Set<String> AFTER_DEFAULT = Set.of("CONSTRAINT", "NOT", "NULL", "CHECK", "UNIQUE",
            "PRIMARY", "REFERENCES", "GENERATED", "COLLATE", "DEFERRABLE", "INITIALLY");
    private static final Set<String> SERIAL = Set.of("SERIAL", "BIGSERIAL", "SMALLSERIAL", "SERIAL2", "SERIAL4",
            "SERIAL8");

    AddColumnVolatileDefaultRule() {
        super("add-column-volatile-default", Severity.ERROR,
                "ADD COLUMN with a default that calls a function not known to be immutable or stable, a serial type,"
                        + " an identity or a stored generated column rewrites the whole table");
    }

    @Override
    String check(Statement action, String table) {
        int column = AlterTable.addedColumnStart(action);
        if (column < 0) {
            return null;
        }
        String what = null;
        if (column + 1 < action.size() && SERIAL.contains(action.token(column + 1).value())
                && action.token(column + 1).type() == Token.Type.WORD) {
            what = "a " + action.token(column + 1).value().toLowerCase(Locale.ROOT) + " type (a nextval() default,"
                    + " volatile)";
        } else if (action.indexOf("GENERATED", column) >= 0) {
            if (action.indexOf("VIRTUAL", column) >= 0) {
                return null; // computed when read (PostgreSQL 18): nothing is written
            }
            what = action.indexOf("IDENTITY", column) >= 0 ? "an identity" : "a stored generated value";
        } else {
            String call = unknownCall(action, action.indexOf("DEFAULT", column));
            if (call != null) {
                what = "a default calling " + call + "(), which is volatile or not known to be immutable or stable"
                        + " (a function made by CREATE FUNCTION is volatile unless declared otherwise), so it is"
                        + " computed for every existing row";
            }
        }
        if (what == null) {
            return null;
        }
        return "ADD COLUMN " + action.nameAt(column).name() + " with " + what + ": that rewrites all of " + table
                + " under an ACCESS EXCLUSIVE lock, its reads and writes waiting until it ends. Add the column without"
                + " a default (or with a constant one), then ALTER COLUMN ... SET DEFAULT (new rows only) and"
                + " backfill existing rows in batches. If the function is IMMUTABLE or STABLE, accept it with"
                + " -- skylift:allow add-column-volatile-default <reason>.";
    }

    /**
     * The first function the DEFAULT expression starting after {@code defaultAt} calls that is not known to be
     * non-volatile (schema-qualified as written), or null.
     */
    private static String unknownCall(Statement action, int defaultAt) {
        if (defaultAt < 0) {
            return null;
        }
        int depth = 0;
        for (int i = defaultAt + 1; i + 1 < action.size(); i++) {
            Token token = action.token(i);
            if (token.type() == Token.Type.OPEN_PAREN) {
                depth++;
            } else if (token.type() == Token.Type.CLOSE_PAREN) {
                depth--;
            } else if (depth == 0 && i > defaultAt + 1 && token.type() == Token.Type.WORD
                    && AFTER_DEFAULT.contains(token.value())) {
                return null;
            }
            if (!token.isName() || action.token(i + 1).type() != Token.Type.OPEN_PAREN) {
                continue;
            }
            boolean qualified = i >= 2 && action.token(i - 1).value().equals(".") && action.token(i - 2).isName();
            String schema = qualified ? action.token(i - 2).value().toLowerCase(Locale.ROOT) : "pg_catalog";
            boolean cast = i >= 2 && action.token(i - 1).value().equals(":") && action.token(i - 2).value().equals(":");
            boolean typeModifier = token.type() == Token.Type.WORD && TYPES_WITH_MODIFIERS.contains(token.value())
                    && (cast || precededByTypeContext(action, i));
            boolean known = schema.equals("pg_catalog") && token.type() == Token.Type.WORD
                    && NON_VOLATILE.contains(token.value());
            if (!known && !typeModifier) {
                String name = token.type() == Token.Type.WORD ? token.value().toLowerCase(Locale.ROOT) : token.value();
                return qualified ? action.token(i - 2).value().toLowerCase(Locale.ROOT) + "." + name : name;
            }
        }
        return null;
    }

    /** {@code AS varchar(…)} in a CAST, or the second word of a two-word type ({@code character varying(…)}). */
    private static boolean precededByTypeContext(Statement action, int i) {
        Token previous = action.token(i - 1);
        return previous.is("AS") || previous.is("CHARACTER") || previous.is("BIT") || previous.is("DOUBLE")
                || previous.is("TIMESTAMP") || previous.is("TIME") || TYPES_WITH_MODIFIERS.contains(previous.value())
                || (i >= 3 && action.token(i - 2).value().equals(":") && action.token(i - 3).value().equals(":"));
    }
}
