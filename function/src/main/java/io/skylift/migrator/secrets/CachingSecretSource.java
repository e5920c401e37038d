package io.skylift.migrator.secrets;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
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
        String value = delegate.read(secretId);
        cache.put(secretId, new Cached(value, now));
        return value;
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
