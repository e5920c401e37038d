package io.skylift.migrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LazyTest {
    private final AtomicInteger made = new AtomicInteger();

    @Test
    void the_value_is_made_on_first_use_and_only_once() {
        Lazy<String> lazy = new Lazy<>(() -> "value " + made.incrementAndGet());

        assertThat(lazy.ifMade()).as("not made before it is used").isEmpty();
        assertThat(lazy.get()).isEqualTo("value 1");
        assertThat(lazy.get()).isEqualTo("value 1");
        assertThat(lazy.ifMade()).contains("value 1");
    }

    @Test
    void a_second_thread_waits_for_the_value_the_first_is_making() throws Exception {
        CountDownLatch making = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Lazy<Integer> lazy = new Lazy<>(() -> {
            making.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return made.incrementAndGet();
        });
        Thread first = Thread.ofPlatform().start(lazy::get);
        making.await();
        Thread second = Thread.ofPlatform().start(lazy::get);
        Thread.sleep(50);
        assertThat(second.isAlive()).as("waiting, not making its own").isTrue();

        release.countDown();
        first.join(5_000);
        second.join(5_000);
        assertThat(made.get()).isEqualTo(1);
    }

    @Test
    void a_failure_is_not_kept_and_the_next_use_tries_again() {
        Lazy<String> lazy = new Lazy<>(() -> {
            if (made.incrementAndGet() == 1) {
                throw new IllegalStateException("Unable to load region");
            }
            return "built";
        });

        assertThatThrownBy(lazy::get).hasMessage("Unable to load region");
        assertThat(lazy.ifMade()).isEmpty();
        assertThat(lazy.get()).isEqualTo("built");
    }
}
