package io.skylift.migrator.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

    @Test
    void a_read_of_a_secret_being_prefetched_waits_for_that_read_instead_of_asking_again() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        CachingSecretSource slow = new CachingSecretSource(id -> {
            calls.incrementAndGet();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "value of " + id;
        });

        List<Thread> prefetching = slow.prefetch(List.of("db", "app", "db"));
        CompletableFuture<String> invocation = CompletableFuture.supplyAsync(() -> slow.read("db", Duration.ofMinutes(5)));
        Thread.sleep(200);
        assertThat(invocation).as("waits for the prefetch").isNotDone();
        release.countDown();

        assertThat(invocation.get(10, TimeUnit.SECONDS)).isEqualTo("value of db");
        for (Thread thread : prefetching) {
            thread.join(10_000);
        }
        assertThat(prefetching).as("one read per secret").hasSize(2);
        assertThat(slow.read("app", Duration.ofMinutes(5))).isEqualTo("value of app");
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void a_failed_prefetch_leaves_the_read_to_ask_again_and_report_its_own_error() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CachingSecretSource flaky = new CachingSecretSource(id -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("throttled");
            }
            return "v";
        });

        for (Thread thread : flaky.prefetch(List.of("db"))) {
            thread.join(10_000);
        }

        assertThat(flaky.read("db", Duration.ofMinutes(5))).isEqualTo("v");
        assertThat(calls.get()).isEqualTo(2);
    }
}
