package io.outpost.store.etcd;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The etcd lease a key with a ttl is written with. etcd expires keys only through leases, in
 * whole seconds, and enforces a minimum ttl of its own (1.5 election timeouts, 2 s with the
 * defaults): a shorter ttl lives that long.
 *
 * <p>Granting a lease per write would cost an extra round trip and leave etcd one lease per key to
 * track, so, like kube-apiserver's {@code leaseManager}, a lease is shared by the writes with the
 * same ttl: it is granted with a slack of 5% of the ttl (at most 60 s) and reused while it still has
 * at least the ttl to live. A key therefore expires between {@code ttl} and {@code ttl} plus that
 * slack after its write, never earlier. Below 20 s the slack rounds to 0 and every write gets a
 * lease of its own.
 *
 * <p>Thread model: any thread. Two writers that find no reusable lease at once both grant one;
 * the later one is kept for reuse and the other simply expires with its keys.
 */
final class Leases {

    /** Grants a lease of {@code ttlSeconds} and answers etcd's id and ttl for it. */
    @FunctionalInterface
    interface Granter {
        Grant grant(long ttlSeconds);
    }

    record Grant(long id, long ttlSeconds) {
    }

    private record Reusable(long id, long expiresAtNanos) {
    }

    static final double REUSE_FRACTION = 0.05;
    static final long MAX_REUSE_SECONDS = 60;

    private final Granter granter;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<Long, Reusable> byTtl = new ConcurrentHashMap<>();

    Leases(Granter granter, LongSupplier nanoTime) {
        this.granter = granter;
        this.nanoTime = nanoTime;
    }

    /** The whole seconds etcd is asked for: {@code ttl} rounded up, at least 1. */
    static long seconds(Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("a lease needs a positive ttl, not " + ttl);
        }
        long whole = ttl.getSeconds() + (ttl.getNano() > 0 ? 1 : 0);
        return Math.max(1, whole);
    }

    /** The id of a lease that lives at least {@code ttl} from now and at most its slack longer. */
    long leaseFor(Duration ttl) {
        long seconds = seconds(ttl);
        long slack = Math.min(MAX_REUSE_SECONDS, (long) (seconds * REUSE_FRACTION));
        if (slack == 0) {
            return granter.grant(seconds).id();
        }
        Reusable lease = byTtl.get(seconds);
        if (lease != null && lease.expiresAtNanos() - nanoTime.getAsLong() >= TimeUnit.SECONDS.toNanos(seconds)) {
            return lease.id();
        }
        // Timed from before the request: etcd starts the lease later, so it expires no earlier.
        long sentAt = nanoTime.getAsLong();
        Grant grant = granter.grant(seconds + slack);
        byTtl.put(seconds, new Reusable(grant.id(), sentAt + TimeUnit.SECONDS.toNanos(grant.ttlSeconds())));
        return grant.id();
    }

    /** Stops reusing a lease etcd no longer knows (revoked, or expired early after a restore). */
    void forget(long leaseId) {
        byTtl.values().removeIf(lease -> lease.id() == leaseId);
    }
}
