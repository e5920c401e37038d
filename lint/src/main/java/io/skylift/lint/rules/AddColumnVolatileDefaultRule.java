package io.skylift.lint.rules;

import io.skylift.lint.Severity;
import io.skylift.lint.Statement;
import io.skylift.lint.Token;
import java.util.Set;

/**
 * {@code ADD COLUMN} whose value PostgreSQL must compute row by row (a volatile default, a serial type, an identity
 * or a stored generated column): the table is rewritten. A constant or stable default ({@code now()}) is not.
 */
final class AddColumnVolatileDefaultRule extends AlterTableRule {
    /** Volatile functions seen in defaults; {@code now()} and {@code current_timestamp} are stable, so not here. */
    private static final Set<String> VOLATILE = Set.of("RANDOM", "GEN_RANDOM_UUID", "UUID_GENERATE_V1",
            "UUID_GENERATE_V1MC", "UUID_GENERATE_V4", "UUIDV4", "UUIDV7", "CLOCK_TIMESTAMP", "TIMEOFDAY", "NEXTVAL",
            "GEN_RANDOM_BYTES", "TXID_CURRENT", "RANDOM_NORMAL");
    private static final Set<String> SERIAL = Set.of("SERIAL", "BIGSERIAL", "SMALLSERIAL", "SERIAL2", "SERIAL4",
            "SERIAL8");

    AddColumnVolatileDefaultRule() {
        super("add-column-volatile-default", Severity.ERROR,
                "ADD COLUMN with a volatile default, a serial type, an identity or a stored generated column"
                        + " rewrites the whole table");
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
            what = "a " + action.token(column + 1).value().toLowerCase() + " type (a nextval() default)";
        } else if (action.indexOf("GENERATED", column) >= 0) {
            if (action.indexOf("VIRTUAL", column) >= 0) {
                return null; // computed when read (PostgreSQL 18): nothing is written
            }
            what = action.indexOf("IDENTITY", column) >= 0 ? "an identity" : "a stored generated value";
        } else {
            int defaultAt = action.indexOf("DEFAULT", column);
            for (int i = defaultAt < 0 ? action.size() : defaultAt + 1; i + 1 < action.size(); i++) {
                Token token = action.token(i);
                if (token.type() == Token.Type.WORD && VOLATILE.contains(token.value())
                        && action.token(i + 1).type() == Token.Type.OPEN_PAREN) {
                    what = "the volatile default " + token.value().toLowerCase() + "()";
                    break;
                }
            }
        }
        if (what == null) {
            return null;
        }
        return "ADD COLUMN " + action.nameAt(column).name() + " with " + what + " rewrites all of " + table
                + " under an ACCESS EXCLUSIVE lock: its reads and writes wait until it ends. Add the column without"
                + " a default (or with a constant one), then ALTER COLUMN ... SET DEFAULT (new rows only) and"
                + " backfill existing rows in batches.";
    }
}
