package io.outpost.controllers.job;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedSet;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;

/**
 * A Job's failed (and, Indexed, succeeded) pods as one sync sees them, after its
 * {@code podFailurePolicy} ({@link FailurePolicy}): how many failures count against
 * {@code backoffLimit} (an {@code Ignore}d one does not), the first {@code FailJob} match, and for
 * an Indexed Job the indexes that succeeded and, with {@code backoffLimitPerIndex}, failed for good
 * (more failures than that limit, or a {@code FailIndex} match). Indexes already in the status are
 * kept, as kube's legacy tracking keeps them when pods are gone.
 *
 * @param counted          failures that count against the backoff limit
 * @param failJob          the Job's failure, if a FailJob rule matched
 * @param succeededIndexes indexes with a succeeded pod (Indexed Jobs)
 * @param failedIndexes    indexes failed for good (Indexed Jobs with backoffLimitPerIndex)
 */
record Failures(int counted, Optional<Decision.Finish> failJob, SortedSet<Integer> succeededIndexes,
                SortedSet<Integer> failedIndexes, Integer maxFailedIndexes, int completions) {

    static Failures of(Job job, List<Pod> owned, JobStatus old) {
        var spec = job.getSpec();
        boolean indexed = Indexed.isIndexed(spec);
        int completions = spec.getCompletions() == null ? 0 : spec.getCompletions();
        List<Pod> failed = owned.stream().filter(p -> p.getStatus() != null && "Failed".equals(p.getStatus().getPhase()))
                .sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
        int counted = 0;
        Optional<Decision.Finish> failJob = Optional.empty();
        Map<Integer, Integer> perIndex = new HashMap<>();
        SortedSet<Integer> failIndex = new TreeSet<>();
        for (Pod pod : failed) {
            Optional<FailurePolicy.Match> match = FailurePolicy.match(spec.getPodFailurePolicy(), pod);
            String action = match.map(FailurePolicy.Match::action).orElse("Count");
            if (action.equals("Ignore")) {
                continue;
            }
            counted++;
            OptionalInt index = Indexes.of(pod);
            index.ifPresent(i -> perIndex.merge(i, 1, Integer::sum));
            if (action.equals("FailJob") && failJob.isEmpty()) {
                failJob = Optional.of(Decision.Finish.podFailurePolicy(match.get().message()));
            } else if (action.equals("FailIndex") && index.isPresent()) {
                failIndex.add(index.getAsInt());
            }
        }
        SortedSet<Integer> succeeded = new TreeSet<>();
        SortedSet<Integer> failedIndexes = new TreeSet<>();
        if (indexed) {
            succeeded.addAll(Indexes.parse(old.getCompletedIndexes(), completions));
            succeeded.addAll(Indexed.indexesOf(owned.stream()
                    .filter(p -> p.getStatus() != null && "Succeeded".equals(p.getStatus().getPhase())).toList(), completions));
            Integer perIndexLimit = spec.getBackoffLimitPerIndex();
            if (perIndexLimit != null) {
                failedIndexes.addAll(Indexes.parse(old.getFailedIndexes(), completions));
                failIndex.stream().filter(i -> i < completions).forEach(failedIndexes::add);
                perIndex.forEach((i, n) -> {
                    if (n > perIndexLimit && i < completions) {
                        failedIndexes.add(i);
                    }
                });
                failedIndexes.removeAll(succeeded);
            }
        }
        return new Failures(counted, failJob, succeeded, failedIndexes, spec.getMaxFailedIndexes(), completions);
    }

    /**
     * kube's per-index verdicts: more failed indexes than {@code maxFailedIndexes}, or every index
     * ended with some failed.
     */
    Optional<Decision.Finish> indexFinish(int succeeded) {
        if (maxFailedIndexes != null && failedIndexes.size() > maxFailedIndexes) {
            return Optional.of(Decision.Finish.MAX_FAILED_INDEXES_EXCEEDED);
        }
        if (!failedIndexes.isEmpty() && failedIndexes.size() + succeeded >= completions) {
            return Optional.of(Decision.Finish.FAILED_INDEXES);
        }
        return Optional.empty();
    }
}
