package io.skylift.infra.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.skylift.infra.config.ContextReader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriftGateTest {

    @Test
    void a_stages_accepted_drift_is_read_from_its_context_key() {
        ContextReader context = new ContextReader(Map.<String, Object>of("prodAcceptedDrift", "0123456789abcdef")::get);

        assertThat(DriftGate.acceptedDrift(context, "prod")).contains("0123456789abcdef");
        assertThat(DriftGate.acceptedDrift(context, "dev")).isEmpty();
    }

    @Test
    void a_value_that_is_not_a_drift_id_is_refused_naming_the_key_and_what_it_takes() {
        ContextReader context = new ContextReader(Map.<String, Object>of("prodAcceptedDrift", "yes")::get);

        assertThatThrownBy(() -> DriftGate.acceptedDrift(context, "prod"))
                .hasMessageContaining("prodAcceptedDrift").hasMessageContaining("yes")
                .hasMessageContaining("16-hex-digit drift id");
    }
}
