package io.outpost.controllers.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One token bucket over all items (client-go's {@code BucketRateLimiter} over
 * {@code rate.Limiter}): {@code qps} tokens a second, at most {@code burst} saved up. Each call
 * reserves a token, waiting for it if the bucket is empty, so a storm of failures is spread out
 * however many distinct items fail.
 *
 * <p>Thread model: not thread-safe by itself; the {@link WorkQueue} calls it under its lock.
 */
public final class BucketRateLimiter<T> implements RateLimiter<T> {

    private final Clock clock;
    private final double qps;
    private final double burst;
    private double tokens;
    private Instant last;

    public BucketRateLimiter(Clock clock, double qps, int burst) {
        if (qps <= 0 || burst < 1) {
            throw new IllegalArgumentException("need qps > 0 and burst >= 1, got " + qps + " and " + burst);
        }
        this.clock = clock;
        this.qps = qps;
        this.burst = burst;
        this.tokens = burst;
        this.last = clock.instant();
    }

    @Override
    public Duration when(T item) {
        Instant now = clock.instant();
        if (now.isAfter(last)) {
            tokens = Math.min(burst, tokens + Duration.between(last, now).toNanos() / 1e9 * qps);
            last = now;
        }
        // Reserve a token even if it is not there yet: the bucket goes negative, and the wait is
        // the time until it refills to zero (rate.Limiter.Reserve).
        tokens -= 1;
        if (tokens >= 0) {
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil(-tokens / qps * 1e9));
    }

    @Override
    public void forget(T item) {
        // A bucket is shared by every item; nothing per item to forget.
    }

    @Override
    public int numRequeues(T item) {
        return 0;
    }
}
