package io.skylift.migrator.migration;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConcurrentlyStatementsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "CREATE INDEX CONCURRENTLY customers_name_idx ON customers (full_name)",
            "create unique index concurrently if not exists u ON t (a);",
            "-- build it without blocking writes\nCREATE INDEX CONCURRENTLY i ON t (a)",
            "DROP INDEX CONCURRENTLY IF EXISTS i",
            "REINDEX INDEX CONCURRENTLY i",
            "REINDEX (VERBOSE) TABLE CONCURRENTLY t",
            "REINDEX (CONCURRENTLY, VERBOSE) TABLE t",
            "ALTER TABLE measurements DETACH PARTITION measurements_2025 CONCURRENTLY",
            "REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales"})
    void concurrently_statements_are_recognised(String sql) {
        assertThat(ConcurrentlyStatements.waitsForOlderTransactions(sql)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ALTER TABLE customers ADD COLUMN nickname text",
            "CREATE INDEX i ON t (a)",
            "COMMENT ON TABLE t IS 'built CONCURRENTLY later'",
            "-- CREATE INDEX CONCURRENTLY i ON t (a)\nALTER TABLE t ADD COLUMN b int",
            "CREATE TABLE \"CONCURRENTLY\" (a int)",
            "ALTER TABLE measurements DETACH PARTITION measurements_2025",
            "ALTER TABLE t ADD COLUMN concurrently_built boolean",
            "REFRESH MATERIALIZED VIEW daily_sales"})
    void other_statements_are_not(String sql) {
        assertThat(ConcurrentlyStatements.waitsForOlderTransactions(sql)).isFalse();
    }
}
