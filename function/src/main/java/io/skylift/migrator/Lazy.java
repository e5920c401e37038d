package io.skylift.migrator;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A value made on first use, once: the first thread that asks makes it and the others wait for it rather than make
 * their own. A failure is not kept: the next use tries again (an environment mended between invocations) and reports
 * its own error.
 */
public final class Lazy<T> implements Supplier<T> {
    private final Supplier<? extends T> factory;
    private T value;

    public Lazy(Supplier<? extends T> factory) {
        this.factory = Objects.requireNonNull(factory, "factory must not be null");
    }

    /** The value, made now unless it was made before. */
    @Override
    public synchronized T get() {
        if (value == null) {
            value = Objects.requireNonNull(factory.get(), "the factory of a lazy value returned null");
        }
        return value;
    }

    /** The value if it was made; never makes it. */
    public synchronized Optional<T> ifMade() {
        return Optional.ofNullable(value);
    }
}
