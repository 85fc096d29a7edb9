package io.outpost.controllers.namespace;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one pass over a Terminating namespace's content found, as kube's namespace deleter totals
 * it ({@code allGVRDeletionMetadata} and the errors beside it).
 *
 * @param discoveryFailure  why some API groups could not be discovered, if any could not
 * @param deleteFailures    one message per resource whose listing or deletion failed
 * @param remaining         instances left per resource, keyed {@code <resource>.<group>} (core: "pods.")
 * @param finalizers        instances left per finalizer they carry
 * @param estimateSeconds   how long the remaining content should take to go (kube's estimate: the
 *                          longest pod grace period, 15 s for content held by finalizers); 0 if none is left
 */
record Content(Optional<String> discoveryFailure, List<String> deleteFailures, Map<String, Integer> remaining,
               Map<String, Integer> finalizers, long estimateSeconds) {

    /** kube's {@code finalizerEstimateSeconds}. */
    static final long FINALIZER_ESTIMATE_SECONDS = 15;

    Content {
        deleteFailures = List.copyOf(deleteFailures);
        remaining = new TreeMap<>(remaining);
        finalizers = new TreeMap<>(finalizers);
    }

    /** Nothing left and nothing failed: the namespace may be finalized. */
    boolean empty() {
        return discoveryFailure.isEmpty() && deleteFailures.isEmpty() && estimateSeconds == 0
                && remaining.values().stream().allMatch(n -> n == 0);
    }

    /** kube's pod estimate: the seconds until the last graceful deletion ends, at least 1 while one is under way. */
    static long podEstimate(Instant now, List<Instant> deletionTimestamps) {
        long estimate = 0;
        for (Instant t : deletionTimestamps) {
            estimate = Math.max(estimate, Math.max(1, t.getEpochSecond() - now.getEpochSecond()));
        }
        return estimate;
    }
}
