package io.outpost.apiserver.tunnel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.outpost.tunnel.ObjectRef;
import io.outpost.tunnel.PodReferences;
import tools.jackson.databind.JsonNode;

/**
 * Which objects belong to one node's projection: the pods bound to it ({@code spec.nodeName}),
 * and, counted by reference, the ConfigMaps and Secrets those pods use ({@link PodReferences}).
 * kubelet's configmap/secret managers keep the same reference counts per pod
 * ({@code manager.RegisterPod}/{@code UnregisterPod}).
 *
 * <p>The server sends a ConfigMap or Secret when a reference to it appears and every change of
 * it while referenced; when the last reference goes it stops sending (the agent drops the object
 * itself, as it sees the same references).
 *
 * <p>Thread model: not thread-safe; owned by one session's downstream thread.
 */
final class NodeProjection {

    private final String node;
    private final Map<ObjectRef, Set<ObjectRef>> pods = new HashMap<>();
    private final Map<ObjectRef, Integer> references = new HashMap<>();

    NodeProjection(String node) {
        this.node = node;
    }

    /** Whether {@code pod} (its JSON) is bound to this node. */
    boolean boundHere(JsonNode pod) {
        return node.equals(pod.path("spec").path("nodeName").asString(""));
    }

    boolean holdsPod(ObjectRef pod) {
        return pods.containsKey(pod);
    }

    boolean referenced(ObjectRef configMapOrSecret) {
        return references.getOrDefault(configMapOrSecret, 0) > 0;
    }

    Set<ObjectRef> referencedObjects() {
        return Set.copyOf(references.keySet());
    }

    Set<ObjectRef> podRefs() {
        return Set.copyOf(pods.keySet());
    }

    /**
     * The pod {@code ref} is now {@code pod} (null: deleted or bound elsewhere).
     *
     * @return the ConfigMaps and Secrets this made referenced that were not before: the server
     *         sends them now
     */
    List<ObjectRef> pod(ObjectRef ref, JsonNode pod) {
        Set<ObjectRef> now = pod != null && boundHere(pod) ? PodReferences.of(pod) : null;
        Set<ObjectRef> before = now == null ? pods.remove(ref) : pods.put(ref, now);
        // The new references are counted before the old ones are released, so that an object the
        // pod keeps referencing never drops to zero and "appears" again.
        List<ObjectRef> appeared = new java.util.ArrayList<>();
        if (now != null) {
            for (ObjectRef r : now) {
                if (references.merge(r, 1, Integer::sum) == 1) {
                    appeared.add(r);
                }
            }
        }
        if (before != null) {
            for (ObjectRef r : before) {
                references.computeIfPresent(r, (k, n) -> n == 1 ? null : n - 1);
            }
        }
        return appeared;
    }

    /** Forgets every pod (before the projection is read afresh). */
    void clear() {
        pods.clear();
        references.clear();
    }
}
