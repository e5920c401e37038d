package io.skylift.migrator.failure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one walk along a failure's causes: the failure first, then each cause once. A cause seen before (a chain that
 * loops back, as a badly written exception can) ends the walk instead of looping forever.
 */
public final class CauseChain {
    private CauseChain() {
    }

    /** {@code failure} and its causes, outermost first; empty for null. */
    public static List<Throwable> of(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /** The outermost {@code type} in the chain. */
    public static <T extends Throwable> Optional<T> first(Throwable failure, Class<T> type) {
        return of(failure).stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** The innermost {@code type} in the chain (the closest to what went wrong). */
    public static <T extends Throwable> Optional<T> last(Throwable failure, Class<T> type) {
        return of(failure).reversed().stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** The innermost cause; {@code failure} itself when it has none. */
    public static Throwable root(Throwable failure) {
        List<Throwable> chain = of(failure);
        return chain.getLast();
    }
}
