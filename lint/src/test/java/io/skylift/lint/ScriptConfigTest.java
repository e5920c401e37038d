package io.skylift.lint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A script's {@code .sql.conf} is read beside it, as Flyway reads it, and decides whether it runs in a transaction. */
class ScriptConfigTest {
    @TempDir
    Path dir;

    private List<Finding> lint(String sql, String conf) throws IOException {
        Files.writeString(dir.resolve("V7__x.sql"), sql);
        if (conf != null) {
            Files.writeString(dir.resolve("V7__x.sql.conf"), conf);
        }
        return new Linter().lintDirectory(dir).findings();
    }

    @Test
    void flyways_properties_syntax_is_read_with_any_case_of_true_and_false() {
        assertThat(ScriptConfig.parse("# comment\n  executeInTransaction = FALSE  \n").executeInTransaction()).isFalse();
        assertThat(ScriptConfig.parse("executeInTransaction:true\nencoding=UTF-8").executeInTransaction()).isTrue();
        assertThat(ScriptConfig.parse("shouldExecute=${env} == prod\n")).isEqualTo(new ScriptConfig(null, List.of()));
    }

    @Test
    void concurrent_statements_in_a_script_whose_conf_says_execute_in_transaction_false_are_no_finding()
            throws IOException {
        assertThat(lint("""
                REINDEX INDEX CONCURRENTLY orders_placed_idx;
                ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY;
                """, "executeInTransaction=false\n")).isEmpty();
    }

    @Test
    void without_the_conf_the_same_script_is_refused_inside_flyways_transaction() throws IOException {
        assertThat(lint("REINDEX INDEX CONCURRENTLY orders_placed_idx;", null)).singleElement()
                .satisfies(f -> assertThat(f.rule()).isEqualTo("concurrently-in-transaction"))
                .satisfies(f -> assertThat(f.message()).contains("executeInTransaction=false"));
    }

    @Test
    void a_conf_forcing_a_transaction_makes_a_concurrent_index_a_finding_naming_the_conf() throws IOException {
        assertThat(lint("CREATE INDEX CONCURRENTLY i ON orders (id);", "executeInTransaction=true"))
                .singleElement().satisfies(f -> {
                    assertThat(f.rule()).isEqualTo("concurrently-in-transaction");
                    assertThat(f.message()).contains(".sql.conf says executeInTransaction=true");
                });
    }

    @Test
    void outside_a_transaction_validating_after_adding_not_valid_and_a_backfill_after_an_alter_are_no_finding()
            throws IOException {
        assertThat(lint("""
                ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id) NOT VALID;
                ALTER TABLE orders VALIDATE CONSTRAINT fk;
                UPDATE orders SET x = 1;
                """, "executeInTransaction=false")).isEmpty();
    }

    @Test
    void a_conf_flyway_would_refuse_is_an_error_naming_the_key_and_the_fix() throws IOException {
        assertThat(lint("SELECT 1;", "executeInTransaction=no\nexecuteInTransactions=false\n"))
                .extracting(Finding::rule, Finding::severity, Finding::line, Finding::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Linter.INVALID_SCRIPT_CONFIG, Severity.ERROR, 1,
                        "Flyway refuses V7__x.sql.conf: executeInTransaction=no is neither true nor false. Correct the"
                                + " file (e.g. executeInTransaction=false) or delete it."),
                        org.assertj.core.groups.Tuple.tuple(Linter.INVALID_SCRIPT_CONFIG, Severity.ERROR, 1,
                                "Flyway refuses V7__x.sql.conf: 'executeInTransactions' is no script setting (Flyway"
                                        + " accepts executeInTransaction, encoding, placeholderReplacement,"
                                        + " shouldExecute). Correct the file (e.g. executeInTransaction=false) or"
                                        + " delete it."));
    }
}
