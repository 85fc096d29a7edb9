package io.outpost.controllers.replicaset;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.outpost.controllers.common.Pods;

/** A ReplicaSet's status from its pods (kube's {@code calculateStatus}). */
final class Status {

    private Status() {
    }

    /**
     * @param pods        its active pods
     * @param manageError why creating or deleting pods failed in this sync, or null
     * @param scalingUp   whether that failure was a creation (reason FailedCreate) or a deletion
     */
    static ReplicaSetStatus calculate(ReplicaSet rs, List<Pod> pods, Exception manageError, boolean scalingUp, Instant now) {
        Map<String, String> templateLabels = rs.getSpec().getTemplate() == null || rs.getSpec().getTemplate().getMetadata() == null
                ? Map.of() : rs.getSpec().getTemplate().getMetadata().getLabels();
        int minReady = rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
        int fullyLabeled = 0;
        int ready = 0;
        int available = 0;
        for (Pod p : pods) {
            Map<String, String> labels = p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
            if (templateLabels == null || labels.entrySet().containsAll(templateLabels.entrySet())) {
                fullyLabeled++;
            }
            if (Pods.isReady(p)) {
                ready++;
                if (Pods.isAvailable(p, minReady, now)) {
                    available++;
                }
            }
        }
        List<ReplicaSetCondition> conditions = new ArrayList<>();
        ReplicaSetCondition failure = null;
        if (rs.getStatus() != null && rs.getStatus().getConditions() != null) {
            for (ReplicaSetCondition c : rs.getStatus().getConditions()) {
                if ("ReplicaFailure".equals(c.getType())) {
                    failure = c;
                } else {
                    conditions.add(c);
                }
            }
        }
        if (manageError != null) {
            conditions.add(failure != null ? failure : new ReplicaSetConditionBuilder().withType("ReplicaFailure")
                    .withStatus("True").withReason(scalingUp ? "FailedCreate" : "FailedDelete")
                    .withMessage(manageError.getMessage()).withLastTransitionTime(DateTimeFormatter.ISO_INSTANT.format(now))
                    .build());
        }
        return new ReplicaSetStatusBuilder().withReplicas(pods.size()).withFullyLabeledReplicas(fullyLabeled)
                .withReadyReplicas(ready).withAvailableReplicas(available)
                .withObservedGeneration(rs.getMetadata().getGeneration())
                .withConditions(conditions.isEmpty() ? null : conditions).build();
    }
}
