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
    void an_allow_with_a_reason_accepts_that_rule_for_the_statement_below() {
        assertThat(lint("""
                -- Orders is empty in every environment yet.
                -- skylift:allow create-index-non-concurrent orders has no rows before the launch
                CREATE INDEX i ON orders (id);
                """)).isEmpty();
    }

    @Test
    void an_allow_without_a_reason_accepts_nothing_and_is_an_error_itself() {
        assertThat(lint("""
                -- skylift:allow create-index-non-concurrent
                CREATE INDEX i ON orders (id);
                """)).extracting(Finding::rule, Finding::severity, Finding::line).containsExactly(
                org.assertj.core.groups.Tuple.tuple("allow-without-reason", Severity.ERROR, 1),
                org.assertj.core.groups.Tuple.tuple("create-index-non-concurrent", Severity.ERROR, 2));
    }

    @Test
    void an_allow_covers_only_the_statement_below_it_and_only_its_rule() {
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
    void an_allow_naming_no_rule_is_an_error() {
        assertThat(lint("-- skylift:allow create-index it is tiny\nCREATE INDEX i ON orders (id);"))
                .extracting(Finding::rule).containsExactly("allow-unknown-rule", "create-index-non-concurrent");
    }

    @Test
    void an_allow_that_accepts_nothing_is_a_warning() {
        assertThat(lint("-- skylift:allow truncate wrong statement\nSELECT 1;"))
                .extracting(Finding::rule, Finding::severity)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("unused-allow", Severity.WARNING));
    }

    @Test
    void an_allow_at_the_end_of_the_previous_statements_line_does_not_count() {
        assertThat(lint("SELECT 1; -- skylift:allow truncate clearing staging data\nTRUNCATE orders;"))
                .extracting(Finding::rule).containsExactly("truncate");
    }

    @Test
    void an_allow_inside_a_string_is_not_an_allow() {
        assertThat(lint("SELECT '-- skylift:allow truncate x';\nTRUNCATE orders;"))
                .extracting(Finding::rule).containsExactly("truncate");
    }
}
