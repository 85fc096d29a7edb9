package io.outpost.store.etcd;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.outpost.store.StoreException;

/**
 * How the store waits for etcd: every call bounded, its failure translated, reads retried.
 *
 * <p>A call's gRPC deadline ({@link RequestDeadline}) ends it first; the wait here has its own
 * bound a little later, a safety net should a future never complete. A read that fails with
 * {@link StoreException.Unavailable} is sent again, with a back-off from 20 ms to 0.5 s, while the
 * request timeout has not passed since the first attempt: jetcd balances calls over the members, so
 * a retry goes to another one once the failed member's connection is down. So a read gives up
 * after at most about twice the request timeout. Writes are not retried (see {@link EtcdKvStore}).
 *
 * <p>Thread model: any thread; a caller blocks on the call's future.
 */
final class EtcdCalls {

    private static final long SAFETY_NET_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long FIRST_READ_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long MAX_READ_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final Duration timeout;
    private final EtcdErrors errors;
    private final BooleanSupplier closed;

    EtcdCalls(Duration timeout, EtcdErrors errors, BooleanSupplier closed) {
        this.timeout = timeout;
        this.errors = errors;
        this.closed = closed;
    }

    /** Runs a read at {@code revision} (0: the latest), retrying on Unavailable as above. */
    <T> T read(long revision, Supplier<CompletableFuture<T>> request) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long backoff = FIRST_READ_BACKOFF_NANOS;
        while (true) {
            checkOpen();
            try {
                return call(request, revision, revision + 1);
            } catch (StoreException.Unavailable e) {
                if (closed.getAsBoolean() || System.nanoTime() + backoff >= deadline) {
                    throw e;
                }
                try {
                    TimeUnit.NANOSECONDS.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoff = Math.min(MAX_READ_BACKOFF_NANOS, backoff * 2);
            }
        }
    }

    /** Sends a request about {@code revision} (0 for none) once and waits for it. */
    <T> T call(Supplier<CompletableFuture<T>> request, long revision) {
        return call(request, revision, revision + 1);
    }

    /**
     * Sends a request once and waits for it.
     *
     * @param compactedAtLeast what a "compacted" answer proves of etcd's compact revision
     */
    <T> T call(Supplier<CompletableFuture<T>> request, long revision, long compactedAtLeast) {
        CompletableFuture<T> future;
        try {
            future = request.get();
        } catch (RuntimeException e) { // jetcd throws some failures (a closed client) at once
            throw errors.translate(e, revision, compactedAtLeast);
        }
        try {
            return future.get(timeout.toNanos() + SAFETY_NET_NANOS, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw errors.translate(e.getCause(), revision, compactedAtLeast);
        } catch (TimeoutException | CancellationException e) {
            future.cancel(true);
            throw errors.unavailable("no answer within " + timeout, e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new StoreException.Unavailable("interrupted while waiting for etcd", e);
        }
    }

    void checkOpen() {
        if (closed.getAsBoolean()) {
            throw new StoreException.Unavailable("the store is closed");
        }
    }
}
