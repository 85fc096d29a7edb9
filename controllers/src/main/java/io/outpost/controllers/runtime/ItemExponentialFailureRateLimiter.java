package io.outpost.controllers.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Per item, {@code base * 2^failures}, capped at {@code max} (client-go's
 * {@code ItemExponentialFailureRateLimiter}). The first failure waits {@code base}.
 *
 * <p>Thread model: not thread-safe by itself; the {@link WorkQueue} calls it under its lock.
 */
public final class ItemExponentialFailureRateLimiter<T> implements RateLimiter<T> {

    private final Duration base;
    private final Duration max;
    private final Map<T, Integer> failures = new HashMap<>();

    public ItemExponentialFailureRateLimiter(Duration base, Duration max) {
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 < base <= max, got " + base + " and " + max);
        }
        this.base = base;
        this.max = max;
    }

    @Override
    public Duration when(T item) {
        int exp = failures.merge(item, 1, Integer::sum) - 1;
        // 2^62 nanoseconds already exceeds any sane max; stop doubling before it overflows.
        if (exp >= 62) {
            return max;
        }
        double nanos = base.toNanos() * Math.pow(2, exp);
        return nanos >= max.toNanos() ? max : Duration.ofNanos((long) nanos);
    }

    @Override
    public void forget(T item) {
        failures.remove(item);
    }

    @Override
    public int numRequeues(T item) {
        return failures.getOrDefault(item, 0);
    }
}
