package io.skylift.lint.rules;

import io.skylift.lint.Script;
import io.skylift.lint.Severity;
import java.util.List;

/** One check. Its {@link #id()} is what findings and {@code -- skylift:allow <rule> <reason>} comments name. */
public interface Rule {

    /** Kebab-case id, e.g. {@code create-index-non-concurrent}. */
    String id();

    Severity severity();

    /** One sentence for the rule list in docs/lint-rules.md and for reports. */
    String summary();

    List<Violation> check(Script script);
}
