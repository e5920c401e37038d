package io.skylift.migrator.secrets;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.LongSupplier;

/**
 * Keeps secret strings across warm invocations for a bounded time, so a no-op deploy does not pay a Secrets Manager
 * call, and a rotated secret (the application user's too, which no login would reveal as stale) is read again
 * within that time. {@link #forget} drops one at once after the database refused it.
 */
public final class CachingSecretSource {
    private record Cached(String value, long readAtNanos) {
    }

    private final SecretSource delegate;
    private final LongSupplier nanoTime;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    /** Reads started by {@link #prefetch} and not finished yet. */
    private final Map<String, FutureTask<String>> underWay = new ConcurrentHashMap<>();

    public CachingSecretSource(SecretSource delegate) {
        this(delegate, System::nanoTime);
    }

    /** For tests: a clock they move. */
    CachingSecretSource(SecretSource delegate, LongSupplier nanoTime) {
        this.delegate = Objects.requireNonNull(delegate, "delegate must not be null");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime must not be null");
    }

    /**
     * The secret's value, from the cache when it was read less than {@code maxAge} ago, otherwise from the delegate.
     *
     * @param maxAge how long a value may be reused; zero reads every time
     */
    public String read(String secretId, Duration maxAge) {
        Objects.requireNonNull(maxAge, "maxAge must not be null");
        long now = nanoTime.getAsLong();
        Cached cached = cache.get(secretId);
        if (cached != null && now - cached.readAtNanos() < maxAge.toNanos()) {
            return cached.value();
        }
        FutureTask<String> prefetching = underWay.get(secretId);
        if (prefetching != null) {
            try {
                // One call, not two: the value the prefetch reads (just now) is as fresh as one read here.
                return prefetching.get();
            } catch (ExecutionException e) {
                // Read again below: the error reported is then this read's own.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String value = delegate.read(secretId);
        cache.put(secretId, new Cached(value, now));
        return value;
    }

    /**
     * Starts reading each secret into the cache on a daemon thread of its own, so that they arrive together and ahead
     * of the invocation; a {@link #read} of one that is still under way waits for it rather than asking again. A
     * prefetch that fails leaves nothing behind: the next read asks again and reports the error.
     *
     * @return the threads started
     */
    public List<Thread> prefetch(Collection<String> secretIds) {
        List<Thread> threads = new ArrayList<>();
        for (String secretId : new LinkedHashSet<>(secretIds)) {
            FutureTask<String> read = new FutureTask<>(() -> {
                try {
                    long at = nanoTime.getAsLong();
                    String value = delegate.read(secretId);
                    cache.put(secretId, new Cached(value, at));
                    return value;
                } finally {
                    underWay.remove(secretId);
                }
            });
            if (underWay.putIfAbsent(secretId, read) == null) {
                threads.add(Thread.ofPlatform().daemon().name("skylift-prefetch-secret").start(read));
            }
        }
        return threads;
    }

    /** A view that reads through this cache with {@code maxAge}. */
    public SecretSource withMaxAge(Duration maxAge) {
        Objects.requireNonNull(maxAge, "maxAge must not be null");
        return secretId -> read(secretId, maxAge);
    }

    /** Drops the cached value; the next read asks the delegate again. */
    public void forget(String secretId) {
        cache.remove(secretId);
    }
}
