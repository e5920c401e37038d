package io.skylift.migrator.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CachingSecretSourceTest {
    private final Map<String, String> store = new HashMap<>(Map.of("db", "v1"));
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicLong now = new AtomicLong(1_000);
    private final CachingSecretSource cache = new CachingSecretSource(id -> {
        reads.incrementAndGet();
        return store.get(id);
    }, now::get);

    @Test
    void a_value_is_reused_until_it_is_as_old_as_the_time_to_live_then_read_again() {
        SecretSource fiveMinutes = cache.withMaxAge(Duration.ofMinutes(5));
        assertThat(fiveMinutes.read("db")).isEqualTo("v1");
        store.put("db", "v2");
        now.addAndGet(Duration.ofMinutes(5).minusNanos(1).toNanos());
        assertThat(fiveMinutes.read("db")).as("still fresh").isEqualTo("v1");
        now.addAndGet(1);
        assertThat(fiveMinutes.read("db")).as("five minutes old").isEqualTo("v2");
        assertThat(reads).hasValue(2);
    }

    @Test
    void zero_reads_every_time_and_forget_drops_a_value_at_once() {
        assertThat(cache.read("db", Duration.ZERO)).isEqualTo("v1");
        assertThat(cache.read("db", Duration.ZERO)).isEqualTo("v1");
        assertThat(reads).hasValue(2);
        cache.read("db", Duration.ofHours(1));
        store.put("db", "v2");
        cache.forget("db");
        assertThat(cache.read("db", Duration.ofHours(1))).isEqualTo("v2");
    }
}
