package io.outpost.store.etcd;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.common.exception.ClosedClientException;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import io.outpost.store.StoreException;

/**
 * Turns what jetcd and gRPC throw into the {@link StoreException} family, the one place that reads
 * etcd's error strings (those of etcd's {@code rpctypes}, stable since 3.0). Nothing raw escapes:
 * a failure this does not recognise is {@link StoreException.Unavailable} with the original as
 * its cause.
 */
final class EtcdErrors {

    static final String COMPACTED = "required revision has been compacted";
    static final String FUTURE_REVISION = "required revision is a future revision";
    static final String LEASE_NOT_FOUND = "requested lease not found";

    /**
     * A write named a lease etcd no longer has. etcd checks leases before applying anything, so
     * the write was not applied and may be retried with a new lease. Never leaves this package.
     */
    static final class LeaseNotFound extends RuntimeException {
        LeaseNotFound(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private final List<String> endpoints;
    private final KnownCompaction compaction;

    EtcdErrors(List<?> endpoints, KnownCompaction compaction) {
        this.endpoints = endpoints.stream().map(Object::toString).toList();
        this.compaction = compaction;
    }

    /**
     * The exception to throw for {@code failure}, which came from a request at {@code revision}
     * (0 for none).
     *
     * @param compactedAtLeast what "compacted" proves of etcd's compact revision: a read at r
     *                         fails when r is below it (r + 1), a compaction to r when r is not
     *                         above it (r)
     */
    RuntimeException translate(Throwable failure, long revision, long compactedAtLeast) {
        if (failure instanceof StoreException || failure instanceof IllegalArgumentException) {
            return (RuntimeException) failure;
        }
        CompactedException compacted = find(failure, CompactedException.class);
        if (compacted != null) {
            return new StoreException.Compacted(revision, compaction.learn(compacted.getCompactedRevision()));
        }
        String code = code(failure);
        String description = description(failure);
        if (description.contains(COMPACTED)) {
            return new StoreException.Compacted(revision, compaction.learn(compactedAtLeast));
        }
        if (description.contains(FUTURE_REVISION)) {
            return new IllegalArgumentException("revision " + revision + " is in the future: etcd has not reached it yet");
        }
        if (description.contains(LEASE_NOT_FOUND)) {
            return new LeaseNotFound(failure);
        }
        if ("INVALID_ARGUMENT".equals(code) || "OUT_OF_RANGE".equals(code)) {
            return new IllegalArgumentException("etcd rejected the request: " + description);
        }
        return unavailable(code + (description.isEmpty() ? "" : ": " + description), failure);
    }

    StoreException.Unavailable unavailable(String why, Throwable cause) {
        return new StoreException.Unavailable("etcd at " + String.join(",", endpoints) + " is unavailable ("
                + why + "); check that its members are running and reachable", cause);
    }

    /** The gRPC status code name of {@code failure}, or a name for the Java-side failures. */
    private static String code(Throwable failure) {
        EtcdException etcd = find(failure, EtcdException.class);
        if (etcd != null) {
            return etcd.getErrorCode().name();
        }
        if (find(failure, TimeoutException.class) != null) {
            return "DEADLINE_EXCEEDED";
        }
        if (find(failure, CancellationException.class) != null || find(failure, ClosedClientException.class) != null) {
            return "CANCELLED";
        }
        return Status.fromThrowable(failure).getCode().name();
    }

    private static String description(Throwable failure) {
        EtcdException etcd = find(failure, EtcdException.class);
        String d = etcd != null ? etcd.getMessage() : Status.fromThrowable(failure).getDescription();
        if (d == null) {
            d = failure.getMessage();
        }
        return d == null ? "" : d;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
