package io.skylift.lint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AllowCommentTest {
    private final Linter linter = new Linter();

    private List<Finding> lint(String sql) {
        return linter.lint("V3__x.sql", sql);
    }

    @Test
    void anAllowWithAReasonAcceptsThatRuleForTheStatementBelow() {
        assertThat(lint("""
                -- Orders is empty in every environment yet.
                -- skylift:allow create-index-non-concurrent orders has no rows before the launch
                CREATE INDEX i ON orders (id);
                """)).isEmpty();
    }

    @Test
    void anAllowWithoutAReasonAcceptsNothingAndIsAnErrorItself() {
        assertThat(lint("""
                -- skylift:allow create-index-non-concurrent
                CREATE INDEX i ON orders (id);
                """)).extracting(Finding::rule, Finding::severity, Finding::line).containsExactly(
                org.assertj.core.groups.Tuple.tuple("allow-without-reason", Severity.ERROR, 1),
                org.assertj.core.groups.Tuple.tuple("create-index-non-concurrent", Severity.ERROR, 2));
    }

    @Test
    void anAllowCoversOnlyTheStatementBelowItAndOnlyItsRule() {
        List<Finding> findings = lint("""
                -- skylift:allow drop-column the column has been unused since release 12
                ALTER TABLE orders DROP COLUMN legacy, ALTER COLUMN total TYPE bigint;
                ALTER TABLE orders DROP COLUMN other;
                """);
        assertThat(findings).extracting(Finding::rule, Finding::line).containsExactly(
                org.assertj.core.groups.Tuple.tuple("alter-column-type", 2),
                org.assertj.core.groups.Tuple.tuple("drop-column", 3));
    }

    @Test
    void anAllowNamingNoRuleIsAnError() {
        assertThat(lint("-- skylift:allow create-index it is tiny\nCREATE INDEX i ON orders (id);"))
                .extracting(Finding::rule).containsExactly("allow-unknown-rule", "create-index-non-concurrent");
    }

    @Test
    void anAllowThatAcceptsNothingIsAWarning() {
        assertThat(lint("-- skylift:allow truncate wrong statement\nSELECT 1;"))
                .extracting(Finding::rule, Finding::severity)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("unused-allow", Severity.WARNING));
    }

    @Test
    void anAllowAtTheEndOfThePreviousStatementsLineDoesNotCount() {
        assertThat(lint("SELECT 1; -- skylift:allow truncate clearing staging data\nTRUNCATE orders;"))
                .extracting(Finding::rule).containsExactly("truncate");
    }

    @Test
    void anAllowInsideAStringIsNotAnAllow() {
        assertThat(lint("SELECT '-- skylift:allow truncate x';\nTRUNCATE orders;"))
                .extracting(Finding::rule).containsExactly("truncate");
    }
}
