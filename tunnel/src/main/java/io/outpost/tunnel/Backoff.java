package io.outpost.tunnel;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long the agent waits before it dials again: exponential back-off with "equal jitter"
 * (the AWS Architecture Blog's name): the n-th wait is uniform in {@code [d/2, d]} with
 * {@code d = min(max, initial * 2^n)}. The jitter spreads the thousands of nodes that lose the
 * server at the same moment (a control-plane restart) over the window instead of having them
 * all dial at once; the lower half-bound keeps a single node from hammering a server that is
 * down. client-go's {@code wait.Backoff} (Factor 2, Jitter) is the same idea.
 *
 * <p>Thread model: not thread-safe; owned by the agent's connection loop.
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private final RandomGenerator random;
    private int failures;

    public Backoff(Duration initial, Duration max, RandomGenerator random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max, not " + initial + " and " + max);
        }
        this.initial = initial;
        this.max = max;
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The wait before the next attempt, after one more failure. */
    public Duration next() {
        Duration ceiling = ceiling(failures);
        failures = Math.min(failures + 1, 62);
        long half = ceiling.toMillis() / 2;
        return Duration.ofMillis(half + random.nextLong(ceiling.toMillis() - half + 1));
    }

    /** After a connection that worked: the next failure waits about {@code initial} again. */
    public void reset() {
        failures = 0;
    }

    /** The upper bound of the wait after {@code failures} earlier failures. */
    public Duration ceiling(int failures) {
        long millis = initial.toMillis();
        for (int i = 0; i < failures && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }
}
