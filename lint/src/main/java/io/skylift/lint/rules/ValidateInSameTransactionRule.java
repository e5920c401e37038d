package io.skylift.lint.rules;

import io.skylift.lint.Script;
import io.skylift.lint.Severity;
import io.skylift.lint.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code VALIDATE CONSTRAINT} in a migration Flyway runs in one transaction, after an {@code ALTER TABLE} of the same
 * table (above all the {@code ADD CONSTRAINT … NOT VALID} of that constraint): the earlier statement's lock is held
 * through the validation's full scan.
 */
final class ValidateInSameTransactionRule implements Rule {

    @Override
    public String id() {
        return "validate-in-same-transaction";
    }

    @Override
    public Severity severity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "VALIDATE CONSTRAINT in the transaction that added the constraint NOT VALID (or altered the table)"
                + " scans the table while that lock is held";
    }

    @Override
    public List<Violation> check(Script script) {
        List<Violation> violations = new ArrayList<>();
        if (!script.runsInTransaction()) {
            return violations;
        }
        List<Statement> statements = script.statements();
        for (int i = 0; i < statements.size(); i++) {
            int index = i;
            AlterTable.parse(statements.get(i)).ifPresent(alter -> {
                if (script.createdBefore(index, alter.table())) {
                    return;
                }
                for (int a = 0; a < alter.actions().size(); a++) {
                    Statement action = alter.actions().get(a);
                    if (!action.startsWith("VALIDATE", "CONSTRAINT") || action.nameAt(2) == null) {
                        continue;
                    }
                    String message = message(script, index, alter, a, action.nameAt(2).name());
                    if (message != null) {
                        violations.add(new Violation(index, message));
                    }
                }
            });
        }
        return violations;
    }

    /** The message for validating {@code constraint} in action {@code actionIndex}, or null when nothing came before. */
    private static String message(Script script, int index, AlterTable validating, int actionIndex, String constraint) {
        String table = validating.table().name();
        List<Statement> earlierActions = new ArrayList<>();
        for (int j = 0; j < index; j++) {
            AlterTable.parse(script.statements().get(j))
                    .filter(alter -> alter.table().simpleName().equals(validating.table().simpleName()))
                    .ifPresent(alter -> earlierActions.addAll(alter.actions()));
        }
        earlierActions.addAll(validating.actions().subList(0, actionIndex));
        if (earlierActions.isEmpty()) {
            return null;
        }
        boolean addedHere = earlierActions.stream().anyMatch(action -> action.matches(0, "ADD", "CONSTRAINT")
                && action.nameAt(2) != null && action.nameAt(2).name().equals(constraint) && Catalog.notValid(action));
        String before = addedHere
                ? "ADD CONSTRAINT " + constraint + " ... NOT VALID, earlier in this migration, locked " + table
                        + " (ACCESS EXCLUSIVE for a CHECK; SHARE ROW EXCLUSIVE on it and the referenced table for a"
                        + " foreign key)"
                : "An earlier ALTER TABLE " + table + " in this migration locked it (ACCESS EXCLUSIVE for most forms)";
        return before + ", and Flyway holds that lock until the migration commits: VALIDATE CONSTRAINT " + constraint
                + " scans every row while the application's writes (and reads, under ACCESS EXCLUSIVE) wait, which is"
                + " what NOT VALID is meant to avoid, and lock_timeout cannot help, the lock is already held. Move the"
                + " VALIDATE CONSTRAINT to a later migration: alone it takes a SHARE UPDATE EXCLUSIVE lock that lets"
                + " reads and writes go on.";
    }
}
