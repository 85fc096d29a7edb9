package io.outpost.controllers.statefulset;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.outpost.controllers.common.History;

/**
 * A StatefulSet's ControllerRevisions (kube's {@code getStatefulSetRevisions} and
 * {@code truncateHistory}): the update revision is the one whose data equal the current template
 * (renumbered to the top when a rollback brings an older one back) or a new one named
 * {@code <set>-<hash>}, whose name labels the pods made from it; the current revision is the one
 * {@code status.currentRevision} names. Revisions no pod runs, beyond
 * {@code revisionHistoryLimit}, go oldest first.
 *
 * <p>Thread model: called by the controller's workers, never two for one StatefulSet at once.
 */
final class Revisions {

    /** @param collisionCount the count to store in the status: raised when a new hash collided */
    record Pair(ControllerRevision current, ControllerRevision update, int collisionCount) {
        Decision.Revisions forDecision() {
            return new Decision.Revisions(current.getMetadata().getName(), History.templateOf(current),
                    update.getMetadata().getName(), History.templateOf(update));
        }
    }

    /** kube gives up making a revision after this many collisions in one sync. */
    private static final int MAX_COLLISIONS = 10;

    private final KubernetesClient client;

    Revisions(KubernetesClient client) {
        this.client = client;
    }

    Pair resolve(StatefulSet set, List<ControllerRevision> owned) {
        List<ControllerRevision> revisions = History.sorted(owned);
        int collisions = set.getStatus() == null || set.getStatus().getCollisionCount() == null ? 0
                : set.getStatus().getCollisionCount();
        Object data = History.patchOf(set.getSpec().getTemplate());
        long next = History.max(revisions) + 1;
        List<ControllerRevision> equal = new ArrayList<>();
        for (ControllerRevision r : revisions) {
            if (History.equalData(r.getData(), data)) {
                equal.add(r);
            }
        }
        ControllerRevision update;
        if (!equal.isEmpty() && equal.get(equal.size() - 1) == revisions.get(revisions.size() - 1)) {
            update = revisions.get(revisions.size() - 1); // nothing changed
        } else if (!equal.isEmpty()) {
            update = History.renumber(client, equal.get(equal.size() - 1), next); // a rollback
        } else {
            Created created = create(set, data, next, collisions);
            update = created.revision();
            collisions = created.collisionCount();
        }
        ControllerRevision current = null;
        String currentName = set.getStatus() == null ? null : set.getStatus().getCurrentRevision();
        for (ControllerRevision r : revisions) {
            if (r.getMetadata().getName().equals(currentName)) {
                current = r;
            }
        }
        return new Pair(current == null ? update : current, update, collisions);
    }

    private record Created(ControllerRevision revision, int collisionCount) {
    }

    /** kube's {@code CreateControllerRevision}: on a name taken by other data, count a collision and hash again. */
    private Created create(StatefulSet set, Object data, long number, int collisions) {
        var api = client.apps().controllerRevisions().inNamespace(set.getMetadata().getNamespace());
        for (int attempt = 0; attempt < MAX_COLLISIONS; attempt++) {
            String name = History.name(set.getMetadata().getName(), History.hash(data, collisions));
            ControllerRevision revision = History.newRevision(set, set.getSpec().getTemplate(), name, name, number);
            try {
                return new Created(api.resource(revision).create(), collisions);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
            ControllerRevision existing = api.withName(name).get();
            if (existing != null && History.equalData(existing.getData(), data)) {
                return new Created(existing, collisions);
            }
            collisions++;
        }
        throw new KubernetesClientException("could not name a ControllerRevision for " + set.getMetadata().getName()
                + " after " + MAX_COLLISIONS + " hash collisions");
    }

    /** Deletes the oldest revisions, beyond the limit, that are neither current, update, nor run by a pod. */
    void truncate(StatefulSet set, List<ControllerRevision> owned, List<Pod> pods, Pair pair) {
        Set<String> live = new HashSet<>();
        live.add(pair.current().getMetadata().getName());
        live.add(pair.update().getMetadata().getName());
        for (Pod pod : pods) {
            live.add(Identity.revision(pod));
        }
        List<ControllerRevision> history = new ArrayList<>();
        for (ControllerRevision r : History.sorted(owned)) {
            if (!live.contains(r.getMetadata().getName())) {
                history.add(r);
            }
        }
        int limit = set.getSpec().getRevisionHistoryLimit() == null ? 10 : set.getSpec().getRevisionHistoryLimit();
        for (int i = 0; i < history.size() - limit; i++) {
            History.delete(client, history.get(i));
        }
    }
}
