package io.outpost.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The latencies of one measured run, kept whole and sorted at the end (a run has at most some tens
 * of thousands of samples, so no histogram is needed), with the count of failed requests and the
 * wall time the run took.
 */
final class Latencies {

    private final long[] nanos;
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong errors = new AtomicLong();
    private volatile long elapsedNanos;
    private volatile String firstError;

    Latencies(int capacity) {
        nanos = new long[capacity];
    }

    /** Thread-safe; samples past the capacity are dropped (and counted as errors). */
    void record(long latencyNanos) {
        int i = size.getAndIncrement();
        if (i < nanos.length) {
            nanos[i] = latencyNanos;
        } else {
            errors.incrementAndGet();
        }
    }

    void error(String what) {
        errors.incrementAndGet();
        if (firstError == null) {
            firstError = what;
        }
    }

    void elapsed(long nanos) {
        elapsedNanos = nanos;
    }

    int count() {
        return Math.min(size.get(), nanos.length);
    }

    long errors() {
        return errors.get();
    }

    String firstError() {
        return firstError;
    }

    double perSecond() {
        return elapsedNanos == 0 ? 0 : count() * 1e9 / elapsedNanos;
    }

    /** The {@code p}-th percentile (nearest rank) in milliseconds. */
    double percentileMillis(double p) {
        long[] sorted = Arrays.copyOf(nanos, count());
        if (sorted.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    /** One row of the table: requests, errors, req/s, p50, p99, max. */
    String row(String operation, String mode) {
        return String.format(Locale.ROOT, "%-34s %-18s %7d %6d %8.0f %8.2f %8.2f %8.2f", operation, mode, count(), errors(),
                perSecond(), percentileMillis(50), percentileMillis(99), percentileMillis(100));
    }

    static String header() {
        return String.format(Locale.ROOT, "%-34s %-18s %7s %6s %8s %8s %8s %8s", "operation", "mode", "requests", "errors",
                "req/s", "p50 ms", "p99 ms", "max ms");
    }
}
