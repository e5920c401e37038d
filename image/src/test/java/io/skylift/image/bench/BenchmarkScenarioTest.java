package io.skylift.image.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skylift.image.bench.Benchmark.Scenario;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class BenchmarkScenarioTest {

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" "})
    void without_bench_only_every_scenario_runs(String list) {
        assertThat(Scenario.parse(list)).isEqualTo(EnumSet.allOf(Scenario.class));
    }

    @Test
    void bench_only_runs_the_scenarios_it_lists_in_any_case_and_spacing() {
        assertThat(Scenario.parse("scale")).containsExactly(Scenario.SCALE);
        assertThat(Scenario.parse(" Apply , WARM")).containsExactlyInAnyOrder(Scenario.APPLY, Scenario.WARM);
    }

    @Test
    void the_levers_bring_the_no_op_they_are_compared_with() {
        assertThat(Scenario.parse("levers")).containsExactlyInAnyOrder(Scenario.LEVERS, Scenario.NOOP);
    }

    @Test
    void an_unknown_scenario_is_named_with_the_ones_there_are() {
        assertThatThrownBy(() -> Scenario.parse("scale,startup"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'startup'")
                .hasMessageContaining("[noop, apply, warm, scale, levers]");
    }
}
