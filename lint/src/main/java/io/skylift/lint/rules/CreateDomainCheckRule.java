package io.skylift.lint.rules;

import io.skylift.lint.Script;
import io.skylift.lint.Severity;
import io.skylift.lint.Statement;
import java.util.List;

/** {@code CREATE DOMAIN … CHECK} or {@code … NOT NULL}: a constraint that only a locking ALTER DOMAIN can change. */
final class CreateDomainCheckRule extends StatementRule {

    CreateDomainCheckRule() {
        super("create-domain-with-check", Severity.WARNING,
                "CREATE DOMAIN with a CHECK: changing it later locks every table that uses the domain");
    }

    @Override
    List<String> check(Script script, int index, Statement statement) {
        if (!statement.startsWith("CREATE", "DOMAIN")) {
            return List.of();
        }
        boolean notNull = false;
        for (int i = statement.indexOf("NOT", 2); i >= 0; i = statement.indexOf("NOT", i + 1)) {
            notNull |= statement.matches(i + 1, "NULL");
        }
        if (statement.indexOf("CHECK", 2) < 0 && !notNull) {
            return List.of();
        }
        Statement.QualifiedName domain = statement.nameAt(2);
        return List.of("CREATE DOMAIN " + (domain == null ? "" : domain.name() + " ") + "with a constraint is harmless"
                + " today, but the constraint can later be changed only with ALTER DOMAIN, which checks every column"
                + " of the domain in every table under SHARE locks (their writes wait). Prefer the base type with a"
                + " CHECK on each column: those can be added NOT VALID and validated without blocking writes.");
    }
}
