package io.outpost.scheduler.framework;

import java.util.HashMap;
import java.util.Map;

/**
 * What plugins carry from one extension point to the next within one pod's scheduling cycle
 * (kube's {@code CycleState}): a PreFilter computes once, its Filter reads per node.
 *
 * <p>Thread model: one cycle runs on one thread; filters of a cycle only read it.
 */
public final class CycleState {

    /** A typed slot; plugins keep theirs as a private constant. */
    public record Key<T>(String name, Class<T> type) {
    }

    private final Map<Key<?>, Object> values = new HashMap<>();

    public <T> void put(Key<T> key, T value) {
        values.put(key, value);
    }

    /** The value, or null when the plugin's earlier extension point did not store one. */
    public <T> T get(Key<T> key) {
        return key.type().cast(values.get(key));
    }
}
