package io.outpost.store.etcd;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What this client knows of etcd's compact revision. etcd 3.4 does not report it on request: it
 * only says "required revision has been compacted" when a read asks for an older revision, and a
 * cancelled watch carries it. So this is a lower bound, exact for the compactions this client made
 * and for those a watch was told of, and raised by every compacted read.
 *
 * <p>Thread model: any thread; the bound only grows.
 */
final class KnownCompaction {

    private final AtomicLong atLeast = new AtomicLong();

    long revision() {
        return atLeast.get();
    }

    /** Records that etcd has compacted at least up to {@code revision}; returns the new bound. */
    long learn(long revision) {
        return atLeast.accumulateAndGet(revision, Math::max);
    }
}
