package io.outpost.controllers.nodelifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;

/**
 * When a pod on a node that opted into eviction is deleted, as kube's taint eviction
 * ({@code pkg/controller/tainteviction}) decides it for this controller's {@code NoExecute}
 * taints: from the taint's {@code timeAdded}, after the smallest {@code tolerationSeconds} of the
 * pod's tolerations that match it (never, if one matching toleration has none). A pod that does
 * not tolerate the taint waits the node's {@value EvictionTimeout#ANNOTATION} instead: the node's
 * annotation plays the part of kube's DefaultTolerationSeconds admission (which gives every pod
 * 300 s for these two taints), per node.
 */
final class PodEvictions {

    private PodEvictions() {
    }

    /** When {@code pod} is to be deleted, or empty if never (no owned NoExecute taint, or tolerated forever). */
    static Optional<Instant> deadline(Pod pod, List<Taint> nodeTaints, Duration timeout, Instant now) {
        if (nodeTaints == null) {
            return Optional.empty();
        }
        Optional<Instant> earliest = Optional.empty();
        for (Taint taint : nodeTaints) {
            if (!NodeTaints.owned(taint) || !NodeTaints.NO_EXECUTE.equals(taint.getEffect())) {
                continue;
            }
            Instant added = taint.getTimeAdded() == null || taint.getTimeAdded().isEmpty() ? now
                    : Instant.parse(taint.getTimeAdded());
            Optional<Duration> wait = wait(pod.getSpec().getTolerations(), taint, timeout);
            if (wait.isPresent()) {
                Instant at = added.plus(wait.get());
                earliest = earliest.isEmpty() || at.isBefore(earliest.get()) ? Optional.of(at) : earliest;
            }
        }
        return earliest;
    }

    /** How long after the taint the pod may stay; empty for ever. */
    static Optional<Duration> wait(List<Toleration> tolerations, Taint taint, Duration timeout) {
        List<Toleration> matching = tolerations == null ? List.of()
                : tolerations.stream().filter(t -> tolerates(t, taint)).toList();
        if (matching.isEmpty()) {
            return Optional.of(timeout);
        }
        if (matching.stream().anyMatch(t -> t.getTolerationSeconds() == null)) {
            return Optional.empty();
        }
        long seconds = matching.stream().mapToLong(Toleration::getTolerationSeconds).min().orElseThrow();
        return Optional.of(Duration.ofSeconds(Math.max(0, seconds)));
    }

    /** kube's {@code Toleration.ToleratesTaint}. */
    static boolean tolerates(Toleration t, Taint taint) {
        if (t.getEffect() != null && !t.getEffect().isEmpty() && !t.getEffect().equals(taint.getEffect())) {
            return false;
        }
        if (t.getKey() != null && !t.getKey().isEmpty() && !t.getKey().equals(taint.getKey())) {
            return false;
        }
        String op = t.getOperator() == null || t.getOperator().isEmpty() ? "Equal" : t.getOperator();
        return switch (op) {
            case "Exists" -> true;
            case "Equal" -> Objects.equals(emptyToNull(t.getValue()), emptyToNull(taint.getValue()));
            default -> false;
        };
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
