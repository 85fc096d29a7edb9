package io.outpost.controllers.job;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;

/**
 * What one sync of a Job should do, decided from its spec and pod counts alone (kube's
 * {@code syncJob} and {@code manageJob}; which pods, for an Indexed Job, is {@link Indexed}'s):
 * <ul>
 *   <li>a failure its {@code podFailurePolicy} says fails the Job ({@link FailurePolicy}) does so
 *       first, with reason {@code PodFailurePolicy};</li>
 *   <li>it fails with {@code BackoffLimitExceeded} once more pods failed than
 *       {@code backoffLimit} (default 6), and with {@code DeadlineExceeded} once it has been
 *       started for {@code activeDeadlineSeconds} (not counting while suspended); its active pods are then deleted;</li>
 *   <li>it completes once {@code completions} pods succeeded, or, without completions (a work
 *       queue), once any pod succeeded and none is still active;</li>
 *   <li>otherwise it wants {@code min(parallelism, completions - succeeded)} active pods, counting
 *       terminating ones too when only failed pods are replaced (no new
 *       ones in a work queue once one succeeded), and none while {@code suspend}ed.</li>
 * </ul>
 */
record Decision(Optional<Finish> finish, int create, int delete) {

    /** Why a Job finished: its terminal condition type, reason and message (kube's wording). */
    record Finish(String type, String reason, String message) {
        static final Finish COMPLETE = new Finish("Complete", "CompletionsReached", "Reached expected number of succeeded pods");
        static final Finish BACKOFF_LIMIT_EXCEEDED = new Finish("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
        static final Finish DEADLINE_EXCEEDED = new Finish("Failed", "DeadlineExceeded", "Job was active longer than specified deadline");
        static final Finish MAX_FAILED_INDEXES_EXCEEDED = new Finish("Failed", "MaxFailedIndexesExceeded",
                "Job has exceeded the specified maximal number of failed indexes");
        static final Finish FAILED_INDEXES = new Finish("Failed", "FailedIndexes", "Job has failed indexes");

        /** A {@code FailJob} rule matched; the message names the pod, container and rule. */
        static Finish podFailurePolicy(String message) {
            return new Finish("Failed", "PodFailurePolicy", message);
        }
    }

    /**
     * Counts of the Job's pods: active (not terminated, not being deleted), succeeded (for an
     * Indexed Job, succeeded indexes), failed (not ignored by the pod failure policy), and the
     * indexes failed for good (with {@code backoffLimitPerIndex}), which are never run again.
     */
    record Counts(int active, int succeeded, int failed, int failedIndexes, int terminating) {
        Counts(int active, int succeeded, int failed) {
            this(active, succeeded, failed, 0, 0);
        }
    }

    /**
     * kube's {@code onlyReplaceFailedPods}: with {@code podReplacementPolicy: Failed} (the default
     * with a pod failure policy) a pod being deleted is replaced only once it has terminated, so
     * terminating pods hold back creations.
     */
    static boolean onlyReplaceFailedPods(JobSpec spec) {
        return "Failed".equals(spec.getPodReplacementPolicy()) || spec.getPodFailurePolicy() != null;
    }

    static Decision of(JobSpec spec, Counts counts, Optional<Instant> startTime, Instant now) {
        return of(spec, counts, startTime, now, Optional.empty(), Optional.empty());
    }

    /**
     * @param policyFailure a {@code FailJob} match of the pod failure policy, decided first
     * @param indexFailure  {@code MaxFailedIndexesExceeded} or {@code FailedIndexes}, decided after
     *                      the backoff limit and the deadline, as kube orders them
     */
    static Decision of(JobSpec spec, Counts counts, Optional<Instant> startTime, Instant now,
                       Optional<Finish> policyFailure, Optional<Finish> indexFailure) {
        int active = counts.active();
        if (policyFailure.isPresent()) {
            return new Decision(policyFailure, 0, active);
        }
        int backoffLimit = spec.getBackoffLimit() == null ? 6 : spec.getBackoffLimit();
        if (counts.failed() > backoffLimit) {
            return new Decision(Optional.of(Finish.BACKOFF_LIMIT_EXCEEDED), 0, active);
        }
        if (deadline(spec, startTime).map(d -> !now.isBefore(d)).orElse(false)) {
            return new Decision(Optional.of(Finish.DEADLINE_EXCEEDED), 0, active);
        }
        if (indexFailure.isPresent()) {
            return new Decision(indexFailure, 0, active);
        }
        Integer completions = spec.getCompletions();
        if (completions == null ? counts.succeeded() > 0 && active == 0 : counts.succeeded() >= completions) {
            return new Decision(Optional.of(Finish.COMPLETE), 0, active);
        }
        int want;
        if (Boolean.TRUE.equals(spec.getSuspend())) {
            want = 0;
        } else {
            int parallelism = spec.getParallelism() == null ? 1 : spec.getParallelism();
            want = completions == null
                    ? (counts.succeeded() > 0 ? Math.min(active, parallelism) : parallelism)
                    : Math.min(parallelism, completions - counts.succeeded() - counts.failedIndexes());
        }
        int terminating = onlyReplaceFailedPods(spec) ? counts.terminating() : 0;
        return new Decision(Optional.empty(), Math.max(0, want - active - terminating), Math.max(0, active - want));
    }

    /**
     * When a started Job with {@code activeDeadlineSeconds} fails, if it has one; never while
     * suspended (kube's {@code pastActiveDeadline}: resuming restarts the clock from a new startTime).
     */
    static Optional<Instant> deadline(JobSpec spec, Optional<Instant> startTime) {
        if (spec.getActiveDeadlineSeconds() == null || startTime.isEmpty() || Boolean.TRUE.equals(spec.getSuspend())) {
            return Optional.empty();
        }
        return Optional.of(startTime.get().plus(Duration.ofSeconds(spec.getActiveDeadlineSeconds())));
    }
}
