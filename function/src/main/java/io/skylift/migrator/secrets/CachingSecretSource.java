package io.skylift.migrator.secrets;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps secret strings across warm invocations, so a no-op deploy does not pay a Secrets Manager call.
 * {@link #forget} drops one after a rotation made it stale (the database refused the password).
 */
public final class CachingSecretSource implements SecretSource {
    private final SecretSource delegate;
    private final Map<String, String> cache = new ConcurrentHashMap<>();

    public CachingSecretSource(SecretSource delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate must not be null");
    }

    @Override
    public String read(String secretId) {
        String cached = cache.get(secretId);
        if (cached != null) {
            return cached;
        }
        String value = delegate.read(secretId);
        cache.put(secretId, value);
        return value;
    }

    /** Drops the cached value; the next {@link #read} asks the delegate again. */
    public void forget(String secretId) {
        cache.remove(secretId);
    }
}
