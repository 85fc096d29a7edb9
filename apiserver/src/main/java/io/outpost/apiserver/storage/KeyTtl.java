package io.outpost.apiserver.storage;

import java.time.Duration;
import java.util.Objects;

import io.outpost.store.KvStore;

/**
 * How long a stored object lives after each write, by its key: kube-apiserver's
 * {@code genericregistry.Store.TTLFunc}. kube asks it on every create and every update, so a
 * write sets the object's expiry afresh (the event registry's function answers {@code --event-ttl}
 * whatever the object, {@code pkg/registry/core/event/storage}). {@link KvStore#NO_TTL} keeps the
 * object until it is deleted.
 *
 * <p>Thread model: a pure function, called on any writer's thread.
 */
@FunctionalInterface
public interface KeyTtl {

    /** Nothing expires. */
    KeyTtl NONE = key -> KvStore.NO_TTL;

    /** The ttl of every write to {@code key}; never negative. */
    Duration of(String key);

    /**
     * Every key under {@code prefix} lives {@code ttl} after its latest write, the others forever.
     * A zero {@code ttl} is no expiry, as kube's etcd3 store attaches no lease for a ttl of 0.
     */
    static KeyTtl under(String prefix, Duration ttl) {
        Objects.requireNonNull(prefix, "prefix");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("a ttl must not be negative: " + ttl);
        }
        return key -> key.startsWith(prefix) ? ttl : KvStore.NO_TTL;
    }
}
