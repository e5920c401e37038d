package io.skylift.migrator.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class CauseChainTest {
    private final ConnectException refused = new ConnectException("refused");
    private final SQLException inner = new SQLException("inner", "08001", refused);
    private final SQLException outer = new SQLException("outer", "08006", new UncheckedIOException(
            new IOException("wrapped", inner)));

    @Test
    void the_chain_is_the_failure_and_each_cause_outermost_first() {
        assertThat(CauseChain.of(outer)).hasSize(5).startsWith(outer).endsWith(refused);
        assertThat(CauseChain.of(null)).isEmpty();
    }

    @Test
    void first_and_last_find_the_outermost_and_the_innermost_of_a_type() {
        assertThat(CauseChain.first(outer, SQLException.class)).containsSame(outer);
        assertThat(CauseChain.last(outer, SQLException.class)).containsSame(inner);
        assertThat(CauseChain.first(outer, IllegalStateException.class)).isEmpty();
        assertThat(CauseChain.root(outer)).isSameAs(refused);
        assertThat(CauseChain.root(refused)).isSameAs(refused);
    }

    @Test
    void a_chain_that_loops_back_ends_at_the_first_repeat() {
        IllegalStateException first = new IllegalStateException("first");
        IllegalStateException second = new IllegalStateException("second", first);
        first.initCause(second);

        assertThat(CauseChain.of(first)).containsExactly(first, second);
        assertThat(CauseChain.root(first)).isSameAs(second);
    }
}
