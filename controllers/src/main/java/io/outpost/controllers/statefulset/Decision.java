package io.outpost.controllers.statefulset;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.outpost.controllers.common.Pods;

/**
 * What one sync of a StatefulSet does (kube's {@code defaultStatefulSetControl.updateStatefulSet}),
 * pure so the ordering rules are tested as tables:
 * <ol>
 *   <li>every ordinal in {@code [start, start+replicas)} must have a pod: a missing one is created
 *       from the current revision below the partition and the update revision from it up; a
 *       Failed or Succeeded one is deleted, to be made again once it is gone;</li>
 *   <li>pods of higher ordinals are condemned and deleted, highest first;</li>
 *   <li>with RollingUpdate, the highest ordinal at or above the partition that is not of the update
 *       revision is deleted (and made again by step 1 of a later sync), one at a time, each
 *       waiting for the ones above it to be healthy.</li>
 * </ol>
 * With {@code podManagementPolicy: OrderedReady} the walk stops at the first action and at the
 * first pod that is not Running and Ready (and available for {@code minReadySeconds}): pod N is made
 * only once 0..N-1 are ready, and N is removed only once N+1 is gone and the rest are healthy.
 * With {@code Parallel} steps 1 and 2 act on every pod at once; step 3 stays one at a time.
 */
final class Decision {

    /** The two revisions a sync works with: pods below the partition stay at {@code current}. */
    record Revisions(String current, PodTemplateSpec currentTemplate, String update, PodTemplateSpec updateTemplate) {
    }

    /**
     * @param create  pods to create, in order
     * @param delete  pods to delete, in order
     * @param restore pods whose identity (labels, hostname, subdomain) is to be written back
     * @param status  the status to report
     */
    record Actions(List<Pod> create, List<Pod> delete, List<Pod> restore, StatefulSetStatus status) {
        boolean none() {
            return create.isEmpty() && delete.isEmpty() && restore.isEmpty();
        }
    }

    private Decision() {
    }

    static Actions decide(StatefulSet set, List<Pod> pods, Revisions revisions, Instant now) {
        int start = Identity.start(set);
        int count = Identity.replicas(set);
        int minReady = set.getSpec().getMinReadySeconds() == null ? 0 : set.getSpec().getMinReadySeconds();
        StatefulSetStatus status = status(set, pods, revisions, minReady, now);

        Pod[] replicas = new Pod[count];
        boolean[] exists = new boolean[count];
        List<Pod> condemned = new ArrayList<>();
        for (Pod pod : pods) {
            int ordinal = Identity.ordinal(set, pod);
            if (ordinal >= start && ordinal < start + count) {
                replicas[ordinal - start] = pod;
                exists[ordinal - start] = true;
            } else if (ordinal >= 0) {
                condemned.add(pod); // out of range (above, or below a raised start)
            }
        }
        condemned.sort(Comparator.comparingInt((Pod p) -> Identity.ordinal(set, p)).reversed());
        int partition = partition(set);
        for (int i = 0; i < count; i++) {
            if (replicas[i] == null) {
                replicas[i] = versioned(set, revisions, start + i, partition);
            }
        }
        Pod firstUnhealthy = null;
        for (int i = 0; i < count && firstUnhealthy == null; i++) {
            if (!exists[i] || !healthy(replicas[i], minReady, now)) {
                firstUnhealthy = replicas[i];
            }
        }
        // then the lowest condemned one (kube walks its descending list from the end)
        for (int i = condemned.size() - 1; i >= 0 && firstUnhealthy == null; i--) {
            if (!healthy(condemned.get(i), minReady, now)) {
                firstUnhealthy = condemned.get(i);
            }
        }
        List<Pod> create = new ArrayList<>();
        List<Pod> delete = new ArrayList<>();
        List<Pod> restore = new ArrayList<>();
        Actions actions = new Actions(create, delete, restore, status);
        if (set.getMetadata().getDeletionTimestamp() != null) {
            return actions;
        }
        boolean monotonic = !"Parallel".equals(set.getSpec().getPodManagementPolicy());

        for (int i = 0; i < count; i++) {
            Pod pod = replicas[i];
            if (!exists[i]) {
                create.add(pod);
                if (monotonic) {
                    return actions;
                }
                continue;
            }
            String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
            if ("Failed".equals(phase) || "Succeeded".equals(phase)) {
                // kube 1.28+: delete it, and make it again on a later sync once it is gone
                if (!terminating(pod)) {
                    delete.add(pod);
                }
                if (monotonic) {
                    return actions;
                }
                continue;
            }
            if (monotonic && (terminating(pod) || !runningAndReady(pod) || !Pods.isAvailable(pod, minReady, now))) {
                return actions; // the next ordinal waits for this one
            }
            if (!terminating(pod) && !Identity.matches(set, pod)) {
                restore.add(Identity.withIdentity(set, pod));
            }
        }

        for (Pod pod : condemned) {
            if (terminating(pod)) {
                if (monotonic) {
                    return actions;
                }
                continue;
            }
            boolean unhealthy = !runningAndReady(pod) || !Pods.isAvailable(pod, minReady, now);
            if (monotonic && unhealthy && pod != firstUnhealthy) {
                return actions; // another pod is unhealthy: never take a second one down
            }
            delete.add(pod);
            if (monotonic) {
                return actions;
            }
        }

        String type = set.getSpec().getUpdateStrategy() == null ? null : set.getSpec().getUpdateStrategy().getType();
        if ("OnDelete".equals(type)) {
            return actions; // pods change revision only when deleted by hand
        }
        for (int target = count - 1; target >= partition; target--) {
            Pod pod = replicas[target];
            if (!Objects.equals(Identity.revision(pod), revisions.update()) && !terminating(pod)) {
                delete.add(pod);
                return actions;
            }
            if (!healthy(pod, minReady, now)) {
                return actions; // wait for the updated pod above to be healthy
            }
        }
        return actions;
    }

    /**
     * kube's {@code newVersionedStatefulSetPod}: below the partition the current revision, else the
     * update one. The partition counts from the first ordinal, as kube's does.
     */
    static Pod versioned(StatefulSet set, Revisions revisions, int ordinal, int partition) {
        String type = set.getSpec().getUpdateStrategy() == null ? null : set.getSpec().getUpdateStrategy().getType();
        if (!"OnDelete".equals(type) && ordinal < Identity.start(set) + partition) {
            return Identity.newPod(set, revisions.currentTemplate(), revisions.current(), ordinal);
        }
        return Identity.newPod(set, revisions.updateTemplate(), revisions.update(), ordinal);
    }

    static int partition(StatefulSet set) {
        var strategy = set.getSpec().getUpdateStrategy();
        return strategy == null || strategy.getRollingUpdate() == null || strategy.getRollingUpdate().getPartition() == null
                ? 0 : strategy.getRollingUpdate().getPartition();
    }

    /**
     * The counts of kube's {@code updateStatus}, then {@code completeRollingUpdate}: once every pod
     * is updated and ready, the update revision becomes the current one.
     */
    static StatefulSetStatus status(StatefulSet set, List<Pod> pods, Revisions revisions, int minReady, Instant now) {
        int replicas = 0;
        int ready = 0;
        int available = 0;
        int current = 0;
        int updated = 0;
        for (Pod pod : pods) {
            if (Identity.ordinal(set, pod) < 0) {
                continue;
            }
            replicas++;
            if (runningAndReady(pod)) {
                ready++;
                if (Pods.isAvailable(pod, minReady, now)) {
                    available++;
                }
            }
            if (!terminating(pod)) {
                String revision = Identity.revision(pod);
                if (Objects.equals(revision, revisions.current())) {
                    current++;
                }
                if (Objects.equals(revision, revisions.update())) {
                    updated++;
                }
            }
        }
        String currentRevision = revisions.current();
        String type = set.getSpec().getUpdateStrategy() == null ? null : set.getSpec().getUpdateStrategy().getType();
        if (!"OnDelete".equals(type) && updated == replicas && ready == replicas) {
            current = updated;
            currentRevision = revisions.update();
        }
        Integer collisions = set.getStatus() == null ? null : set.getStatus().getCollisionCount();
        return new StatefulSetStatusBuilder().withObservedGeneration(set.getMetadata().getGeneration())
                .withReplicas(replicas).withReadyReplicas(ready).withAvailableReplicas(available)
                .withCurrentReplicas(current).withUpdatedReplicas(updated)
                .withCurrentRevision(currentRevision).withUpdateRevision(revisions.update())
                .withCollisionCount(collisions == null ? 0 : collisions)
                .withConditions(set.getStatus() == null ? null : set.getStatus().getConditions()).build();
    }

    static boolean terminating(Pod pod) {
        return pod.getMetadata().getDeletionTimestamp() != null;
    }

    /** kube's {@code isRunningAndReady}: phase Running and the Ready condition true. */
    static boolean runningAndReady(Pod pod) {
        return pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase()) && Pods.isReady(pod);
    }

    /** kube's {@code isHealthy}: running, ready (and available), not terminating. */
    static boolean healthy(Pod pod, int minReady, Instant now) {
        return runningAndReady(pod) && Pods.isAvailable(pod, minReady, now) && !terminating(pod);
    }
}
