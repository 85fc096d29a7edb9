package io.outpost.controllers.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * How long a failed item waits before it is handed out again (client-go's
 * {@code workqueue.TypedRateLimiter}).
 *
 * <p>Thread model: called by the {@link WorkQueue} under its lock, from any worker thread.
 */
public interface RateLimiter<T> {

    /** The wait before {@code item} is retried; counts one more failure of it. */
    Duration when(T item);

    /** Forgets the failures of {@code item}: its next failure starts from the base delay again. */
    void forget(T item);

    /** How many times {@code item} failed since it was last forgotten. */
    int numRequeues(T item);

    /**
     * client-go's {@code DefaultControllerRateLimiter}: per item, 5 ms doubling up to 1000 s; over
     * all items, a bucket of 10 per second with bursts of 100. The larger wait wins.
     */
    static <T> RateLimiter<T> controllerDefault(Clock clock) {
        return new MaxOfRateLimiter<>(List.of(
                new ItemExponentialFailureRateLimiter<>(Duration.ofMillis(5), Duration.ofSeconds(1000)),
                new BucketRateLimiter<>(clock, 10, 100)));
    }
}
