package io.skylift.lint.rules;

import io.skylift.lint.Script;
import io.skylift.lint.Severity;
import io.skylift.lint.Statement;
import java.util.ArrayList;
import java.util.List;

/** A rule about one kind of {@code ALTER TABLE} action; tables created earlier in the same script are exempt. */
abstract class AlterTableRule extends StatementRule {

    AlterTableRule(String id, Severity severity, String summary) {
        super(id, severity, summary);
    }

    @Override
    final List<String> check(Script script, int index, Statement statement) {
        List<String> messages = new ArrayList<>();
        AlterTable.parse(statement).ifPresent(alter -> {
            if (!script.createdBefore(index, alter.table())) {
                for (Statement action : alter.actions()) {
                    String message = check(script, index, action, alter.table().name());
                    if (message != null) {
                        messages.add(message);
                    }
                }
            }
        });
        return messages;
    }

    /**
     * The message for {@code action} of the {@code index}-th statement of {@code script} on the existing
     * {@code table}, or null when the action is fine. By default judged from the action alone.
     */
    String check(Script script, int index, Statement action, String table) {
        return check(action, table);
    }

    /** The message for {@code action} on the existing {@code table}, or null when the action is fine. */
    abstract String check(Statement action, String table);
}
