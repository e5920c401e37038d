package io.skylift.lint.rules;

import io.skylift.lint.Script;
import io.skylift.lint.Severity;
import io.skylift.lint.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A rule that judges each statement on its own (knowing what the script created before it). */
abstract class StatementRule implements Rule {
    private final String id;
    private final Severity severity;
    private final String summary;

    StatementRule(String id, Severity severity, String summary) {
        this.id = Objects.requireNonNull(id, "id must not be null");
        this.severity = Objects.requireNonNull(severity, "severity must not be null");
        this.summary = Objects.requireNonNull(summary, "summary must not be null");
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final Severity severity() {
        return severity;
    }

    @Override
    public final String summary() {
        return summary;
    }

    @Override
    public final List<Violation> check(Script script) {
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < script.statements().size(); i++) {
            for (String message : check(script, i, script.statements().get(i))) {
                violations.add(new Violation(i, message));
            }
        }
        return violations;
    }

    /** The messages for {@code statement} (the {@code index}-th of {@code script}); empty when it is fine. */
    abstract List<String> check(Script script, int index, Statement statement);
}
