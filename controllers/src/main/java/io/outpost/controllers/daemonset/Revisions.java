package io.outpost.controllers.daemonset;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.outpost.controllers.common.History;

/**
 * A DaemonSet's ControllerRevisions (kube's {@code constructHistory}, {@code snapshot},
 * {@code dedupCurHistories} and {@code cleanupHistory}): the revision matching the current
 * template is the current one, renumbered above every other when a rollback brings it back; a
 * new template gets a new revision named {@code <ds>-<hash>}, whose hash labels the pods made
 * from it. Old revisions beyond {@code revisionHistoryLimit} go, oldest first, unless a pod still
 * runs them.
 *
 * <p>Thread model: called by the controller's workers, never two for one DaemonSet at once.
 */
final class Revisions {

    /** The current revision and the others. */
    record Split(ControllerRevision current, List<ControllerRevision> old) {
        String hash() {
            return current.getMetadata().getLabels().get(History.HASH_LABEL);
        }
    }

    private final KubernetesClient client;

    Revisions(KubernetesClient client) {
        this.client = client;
    }

    /**
     * @param owned the revisions this DaemonSet controls (already claimed)
     * @throws KubernetesClientException on a hash collision, after counting it in the DaemonSet's
     *                                   status so that the next sync hashes differently
     */
    Split construct(DaemonSet ds, List<ControllerRevision> owned, List<Pod> pods) {
        Object data = History.patchOf(ds.getSpec().getTemplate());
        List<ControllerRevision> current = new ArrayList<>();
        List<ControllerRevision> old = new ArrayList<>();
        for (ControllerRevision r : owned) {
            Map<String, String> labels = r.getMetadata().getLabels();
            if (labels == null || !labels.containsKey(History.HASH_LABEL)) {
                // kube labels a revision missing it with its name, not a recomputed hash
                r = client.apps().controllerRevisions().inNamespace(r.getMetadata().getNamespace())
                        .resource(new ControllerRevisionBuilder(r).editMetadata()
                                .addToLabels(History.HASH_LABEL, r.getMetadata().getName()).endMetadata().build())
                        .update();
            }
            (History.equalData(r.getData(), data) ? current : old).add(r);
        }
        long next = History.max(old) + 1;
        ControllerRevision cur;
        if (current.isEmpty()) {
            cur = snapshot(ds, data, next);
        } else {
            // Several equal revisions (a lost race): keep the highest, relabel the pods of the
            // others to its hash, then drop them (kube's dedupCurHistories).
            List<ControllerRevision> sorted = History.sorted(current);
            cur = sorted.get(sorted.size() - 1);
            if (sorted.size() > 1) {
                String keep = cur.getMetadata().getLabels().get(History.HASH_LABEL);
                for (Pod pod : pods) {
                    if (!keep.equals(NodePlan.label(pod, History.HASH_LABEL))) {
                        client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                                .patch(PatchContext.of(PatchType.JSON_MERGE),
                                        "{\"metadata\":{\"labels\":{\"" + History.HASH_LABEL + "\":\"" + keep + "\"}}}");
                    }
                }
            }
            for (ControllerRevision dup : sorted.subList(0, sorted.size() - 1)) {
                History.delete(client, dup);
            }
            if (History.number(cur) < next) {
                cur = History.renumber(client, cur, next);
            }
        }
        return new Split(cur, old);
    }

    private ControllerRevision snapshot(DaemonSet ds, Object data, long number) {
        Integer collisions = ds.getStatus() == null ? null : ds.getStatus().getCollisionCount();
        String hash = History.hash(data, collisions);
        ControllerRevision revision = History.newRevision(ds, ds.getSpec().getTemplate(),
                History.name(ds.getMetadata().getName(), hash), hash, number);
        var revisions = client.apps().controllerRevisions().inNamespace(ds.getMetadata().getNamespace());
        try {
            return revisions.resource(revision).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
        ControllerRevision existing = revisions.withName(revision.getMetadata().getName()).get();
        if (existing != null && History.equalData(existing.getData(), data)
                && existing.getMetadata().getOwnerReferences() != null && existing.getMetadata().getOwnerReferences().stream()
                .anyMatch(o -> ds.getMetadata().getUid().equals(o.getUid()))) {
            return existing;
        }
        // Another object holds the name: count the collision so the next hash differs (kube does the
        // same), unless the count this hash used was stale already: then the next sync hashes anew.
        DaemonSet fresh = client.apps().daemonSets().inNamespace(ds.getMetadata().getNamespace())
                .withName(ds.getMetadata().getName()).get();
        Integer freshCount = fresh == null || fresh.getStatus() == null ? null : fresh.getStatus().getCollisionCount();
        if (fresh == null || !Objects.equals(freshCount, collisions)) {
            throw new KubernetesClientException("found a stale collision count of DaemonSet " + ds.getMetadata().getName()
                    + "; will retry until it is updated");
        }
        int next = collisions == null ? 1 : collisions + 1;
        DaemonSet bumped = new DaemonSetBuilder(fresh).editOrNewStatus().withCollisionCount(next).endStatus().build();
        client.apps().daemonSets().inNamespace(ds.getMetadata().getNamespace()).resource(bumped).updateStatus();
        throw new KubernetesClientException("found a hash collision on ControllerRevision "
                + revision.getMetadata().getName() + "; collisionCount is now " + next);
    }

    /** Deletes the oldest revisions past {@code revisionHistoryLimit} that no pod runs. */
    void cleanup(DaemonSet ds, List<ControllerRevision> old, List<Pod> pods) {
        int limit = ds.getSpec().getRevisionHistoryLimit() == null ? 10 : ds.getSpec().getRevisionHistoryLimit();
        int toKill = old.size() - limit;
        if (toKill <= 0) {
            return;
        }
        Set<String> live = new HashSet<>();
        for (Pod pod : pods) {
            String hash = NodePlan.label(pod, History.HASH_LABEL);
            if (hash != null) {
                live.add(hash);
            }
        }
        for (ControllerRevision r : History.sorted(old)) {
            if (toKill <= 0) {
                break;
            }
            if (live.contains(r.getMetadata().getLabels().get(History.HASH_LABEL))) {
                continue;
            }
            History.delete(client, r);
            toKill--;
        }
    }
}
