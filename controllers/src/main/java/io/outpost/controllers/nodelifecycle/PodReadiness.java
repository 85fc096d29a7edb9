package io.outpost.controllers.nodelifecycle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;

/**
 * kube's {@code MarkPodsNotReady}: a pod on a node that is not ready gets Ready=False, so that
 * Services stop sending it traffic the control plane cannot vouch for. On an edge node the pod
 * keeps running (nothing is evicted); its agent sets Ready again when it reports. As kube, only
 * the status changes (reason and message are kept) and the transition time moves to now; a pod
 * without a Ready condition is left alone.
 */
final class PodReadiness {

    private PodReadiness() {
    }

    /** The pod's conditions with Ready=False, or empty if Ready is already False or absent. */
    static Optional<List<PodCondition>> markNotReady(List<PodCondition> conditions, Instant now) {
        if (conditions == null) {
            return Optional.empty();
        }
        List<PodCondition> next = new ArrayList<>();
        boolean changed = false;
        for (PodCondition c : conditions) {
            if ("Ready".equals(c.getType()) && !"False".equals(c.getStatus())) {
                next.add(new PodConditionBuilder(c).withStatus("False").withLastTransitionTime(now.toString()).build());
                changed = true;
            } else {
                next.add(c);
            }
        }
        return changed ? Optional.of(next) : Optional.empty();
    }
}
