package io.skylift.lint.rules;

import io.skylift.lint.Script;
import io.skylift.lint.Severity;
import io.skylift.lint.Statement;
import java.util.List;

/** {@code ALTER DOMAIN … ADD CONSTRAINT} (without {@code NOT VALID}) or {@code ALTER DOMAIN … SET NOT NULL}. */
final class AlterDomainRule extends StatementRule {

    AlterDomainRule() {
        super("alter-domain-add-constraint", Severity.ERROR,
                "ALTER DOMAIN ... ADD CONSTRAINT or SET NOT NULL checks every column of the domain, blocking writes"
                        + " to every table that uses it");
    }

    @Override
    List<String> check(Script script, int index, Statement statement) {
        if (!statement.startsWith("ALTER", "DOMAIN")) {
            return List.of();
        }
        Statement.QualifiedName domain = statement.nameAt(2);
        if (domain == null) {
            return List.of();
        }
        int action = domain.next();
        boolean adds = statement.matches(action, "ADD") && !Catalog.notValid(statement);
        boolean setsNotNull = statement.matches(action, "SET", "NOT", "NULL");
        if (!adds && !setsNotNull) {
            return List.of();
        }
        return List.of("ALTER DOMAIN " + domain.name() + (adds ? " ADD CONSTRAINT" : " SET NOT NULL") + " checks every"
                + " column of type " + domain.name() + " in every table, holding a SHARE lock on each (their writes"
                + " wait) until the migration commits. Prefer a CHECK on each table's column (ADD CONSTRAINT ..."
                + " NOT VALID, then VALIDATE CONSTRAINT in a later migration: writes go on). ADD CONSTRAINT ... NOT"
                + " VALID on the domain checks new values only, but its VALIDATE takes the same SHARE locks.");
    }
}
