package io.skylift.lint.rules;

import java.util.List;
import java.util.Optional;

/** Every rule, in the order docs/lint-rules.md lists them (LintRulesDocTest). */
public final class Rules {
    private static final List<Rule> ALL = List.of(
            new CreateIndexRule(),
            new DropIndexRule(),
            new ReindexRule(),
            new ConcurrentlyInTransactionRule(),
            new AddColumnNotNullRule(),
            new AddColumnVolatileDefaultRule(),
            new AlterColumnTypeRule(),
            new SetNotNullRule(),
            new ConstraintNotValidRule(),
            new ValidateInSameTransactionRule(),
            new UniqueUsingIndexRule(),
            new DetachPartitionRule(),
            new AlterDomainRule(),
            new CreateDomainCheckRule(),
            new DataChangeUnderLockRule(),
            new TransactionControlRule(),
            new DropTableRule(),
            new DropColumnRule(),
            new DropNotNullRule(),
            new TruncateRule(),
            new TruncateCascadeRule(),
            new DropDatabaseRule(),
            new RenameTableRule(),
            new RenameColumnRule(),
            new VacuumFullRule(),
            new ClusterRule(),
            new LockTableRule());

    private Rules() {
    }

    public static List<Rule> all() {
        return ALL;
    }

    public static Optional<Rule> byId(String id) {
        return ALL.stream().filter(rule -> rule.id().equals(id)).findFirst();
    }
}
