package io.outpost.controllers.deployment;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;

/**
 * A Deployment's status and its Available, Progressing and ReplicaFailure conditions (kube's
 * {@code deployment/util} and {@code progress.go}), as pure functions of the Deployment, its
 * ReplicaSets and the time.
 */
final class Conditions {

    static final String AVAILABLE = "Available";
    static final String PROGRESSING = "Progressing";
    static final String REPLICA_FAILURE = "ReplicaFailure";

    static final String NEW_RS_AVAILABLE = "NewReplicaSetAvailable";
    static final String RS_UPDATED = "ReplicaSetUpdated";
    static final String NEW_RS_CREATED = "NewReplicaSetCreated";
    static final String FOUND_NEW_RS = "FoundNewReplicaSet";
    static final String TIMED_OUT = "ProgressDeadlineExceeded";
    static final String PAUSED = "DeploymentPaused";
    static final String RESUMED = "DeploymentResumed";
    static final String FAILED_RS_CREATE = "ReplicaSetCreateError";

    private Conditions() {
    }

    static String time(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    static DeploymentCondition condition(String type, String status, String reason, String message, Instant now) {
        return new DeploymentConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastUpdateTime(time(now)).withLastTransitionTime(time(now)).build();
    }

    static DeploymentCondition get(DeploymentStatus status, String type) {
        if (status == null || status.getConditions() == null) {
            return null;
        }
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    /** kube's {@code SetDeploymentCondition}: same status and reason changes nothing; same status keeps the transition time. */
    static void set(DeploymentStatus status, DeploymentCondition condition) {
        DeploymentCondition current = get(status, condition.getType());
        if (current != null && Objects.equals(current.getStatus(), condition.getStatus())
                && Objects.equals(current.getReason(), condition.getReason())) {
            return;
        }
        if (current != null && Objects.equals(current.getStatus(), condition.getStatus())) {
            condition.setLastTransitionTime(current.getLastTransitionTime());
        }
        remove(status, condition.getType());
        List<DeploymentCondition> all = status.getConditions() == null ? new ArrayList<>() : new ArrayList<>(status.getConditions());
        all.add(condition);
        status.setConditions(all);
    }

    static void remove(DeploymentStatus status, String type) {
        if (status.getConditions() == null) {
            return;
        }
        List<DeploymentCondition> kept = new ArrayList<>();
        for (DeploymentCondition c : status.getConditions()) {
            if (!type.equals(c.getType())) {
                kept.add(c);
            }
        }
        status.setConditions(kept);
    }

    /** kube's {@code calculateStatus}: counts from the ReplicaSets and the Available condition. */
    static DeploymentStatus calculate(List<ReplicaSet> all, ReplicaSet newRS, Deployment d, Instant now) {
        int available = all.stream().mapToInt(Replicas::available).sum();
        int total = all.stream().mapToInt(Replicas::specReplicas).sum();
        int unavailable = Math.max(0, total - available);
        DeploymentStatus old = d.getStatus();
        DeploymentStatus status = new DeploymentStatusBuilder()
                .withObservedGeneration(d.getMetadata().getGeneration())
                .withReplicas(all.stream().mapToInt(Replicas::statusReplicas).sum())
                .withUpdatedReplicas(Replicas.statusReplicas(newRS))
                .withReadyReplicas(all.stream().mapToInt(Replicas::ready).sum())
                .withAvailableReplicas(available)
                .withUnavailableReplicas(unavailable)
                .withCollisionCount(old == null ? null : old.getCollisionCount())
                .withConditions(old == null || old.getConditions() == null ? new ArrayList<>() : copy(old.getConditions()))
                .build();
        if (available >= Replicas.desired(d) - Replicas.maxUnavailable(d)) {
            set(status, condition(AVAILABLE, "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now));
        } else {
            set(status, condition(AVAILABLE, "False", "MinimumReplicasUnavailable",
                    "Deployment does not have minimum availability.", now));
        }
        return status;
    }

    private static List<DeploymentCondition> copy(List<DeploymentCondition> conditions) {
        List<DeploymentCondition> out = new ArrayList<>();
        for (DeploymentCondition c : conditions) {
            out.add(new DeploymentConditionBuilder(c).build());
        }
        return out;
    }

    static boolean hasProgressDeadline(Deployment d) {
        Integer s = d.getSpec().getProgressDeadlineSeconds();
        return s != null && s != Integer.MAX_VALUE;
    }

    /** Every replica updated and available, and this generation observed (kube's {@code DeploymentComplete}). */
    static boolean complete(Deployment d, DeploymentStatus s) {
        int desired = Replicas.desired(d);
        return n(s.getUpdatedReplicas()) == desired && n(s.getReplicas()) == desired && n(s.getAvailableReplicas()) == desired
                && s.getObservedGeneration() != null && s.getObservedGeneration() >= d.getMetadata().getGeneration();
    }

    /** Something moved since the last status (kube's {@code DeploymentProgressing}). */
    static boolean progressing(Deployment d, DeploymentStatus s) {
        DeploymentStatus old = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
        int oldOld = n(old.getReplicas()) - n(old.getUpdatedReplicas());
        int newOld = n(s.getReplicas()) - n(s.getUpdatedReplicas());
        return n(s.getUpdatedReplicas()) > n(old.getUpdatedReplicas()) || newOld < oldOld
                || n(s.getReadyReplicas()) > n(old.getReadyReplicas()) || n(s.getAvailableReplicas()) > n(old.getAvailableReplicas());
    }

    /** No progress for progressDeadlineSeconds since the Progressing condition last changed (kube's {@code DeploymentTimedOut}). */
    static boolean timedOut(Deployment d, DeploymentStatus s, Instant now) {
        if (!hasProgressDeadline(d)) {
            return false;
        }
        DeploymentCondition c = get(s, PROGRESSING);
        if (c == null || NEW_RS_AVAILABLE.equals(c.getReason())) {
            return false;
        }
        if (TIMED_OUT.equals(c.getReason())) {
            return true;
        }
        if (c.getLastUpdateTime() == null) {
            return false;
        }
        Instant from = Instant.parse(c.getLastUpdateTime());
        return from.plus(Duration.ofSeconds(d.getSpec().getProgressDeadlineSeconds())).isBefore(now);
    }

    /** The Progressing and ReplicaFailure conditions after a rollout step (kube's {@code syncRolloutStatus}). */
    static DeploymentStatus rolloutStatus(List<ReplicaSet> all, ReplicaSet newRS, Deployment d, Instant now) {
        DeploymentStatus status = calculate(all, newRS, d, now);
        if (!hasProgressDeadline(d)) {
            remove(status, PROGRESSING);
        }
        DeploymentCondition current = get(status, PROGRESSING);
        boolean completeAlready = n(status.getReplicas()) == n(status.getUpdatedReplicas()) && current != null
                && NEW_RS_AVAILABLE.equals(current.getReason());
        if (hasProgressDeadline(d) && !completeAlready) {
            String name = newRS == null ? "" : newRS.getMetadata().getName();
            if (complete(d, status)) {
                set(status, condition(PROGRESSING, "True", NEW_RS_AVAILABLE,
                        "ReplicaSet \"" + name + "\" has successfully progressed.", now));
            } else if (progressing(d, status)) {
                DeploymentCondition c = condition(PROGRESSING, "True", RS_UPDATED, "ReplicaSet \"" + name + "\" is progressing.", now);
                if (current != null) {
                    if ("True".equals(current.getStatus())) {
                        c.setLastTransitionTime(current.getLastTransitionTime());
                    }
                    remove(status, PROGRESSING);
                }
                set(status, c);
            } else if (timedOut(d, status, now)) {
                set(status, condition(PROGRESSING, "False", TIMED_OUT,
                        "ReplicaSet \"" + name + "\" has timed out progressing.", now));
            }
        }
        ReplicaSetCondition failure = null;
        for (ReplicaSet rs : all) {
            if (rs.getStatus() != null && rs.getStatus().getConditions() != null) {
                for (ReplicaSetCondition c : rs.getStatus().getConditions()) {
                    if (REPLICA_FAILURE.equals(c.getType()) && failure == null) {
                        failure = c;
                    }
                }
            }
        }
        if (failure != null) {
            set(status, new DeploymentConditionBuilder().withType(REPLICA_FAILURE).withStatus(failure.getStatus())
                    .withReason(failure.getReason()).withMessage(failure.getMessage())
                    .withLastUpdateTime(failure.getLastTransitionTime()).withLastTransitionTime(failure.getLastTransitionTime())
                    .build());
        } else {
            remove(status, REPLICA_FAILURE);
        }
        return status;
    }

    private static int n(Integer i) {
        return i == null ? 0 : i;
    }
}
