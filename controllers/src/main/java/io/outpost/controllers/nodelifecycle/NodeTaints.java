package io.outpost.controllers.nodelifecycle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Taint;

/**
 * The taints this controller owns, as kube's node lifecycle controller sets them: an unreachable
 * node (its lease expired) gets {@code node.kubernetes.io/unreachable}, a node that reports
 * Ready=False itself gets {@code node.kubernetes.io/not-ready}; with effect {@code NoSchedule}
 * always (kube's {@code doNoScheduleTaintingPass}: no new pods there), and also {@code NoExecute}
 * only on a node that opted into eviction (kube's {@code doNoExecuteTaintingPass}, which Outpost
 * leaves out by default: edge autonomy). A {@code NoExecute} taint carries {@code timeAdded}, the
 * start of its pods' eviction clock, and keeps it while the taint stays. Every other taint on the
 * node is left as it is.
 */
final class NodeTaints {

    static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    static final String NOT_READY = "node.kubernetes.io/not-ready";
    static final String NO_SCHEDULE = "NoSchedule";
    static final String NO_EXECUTE = "NoExecute";

    private NodeTaints() {
    }

    /** Whether this controller manages the taint (its key is unreachable or not-ready). */
    static boolean owned(Taint t) {
        return (UNREACHABLE.equals(t.getKey()) || NOT_READY.equals(t.getKey()))
                && (NO_SCHEDULE.equals(t.getEffect()) || NO_EXECUTE.equals(t.getEffect()));
    }

    /**
     * The node's taints after reconciling the owned ones, or empty if they need no change.
     *
     * @param unreachable the lease (and heartbeat) expired
     * @param notReady    the node itself reports Ready=False (and is not unreachable)
     * @param evict       the node opted into eviction: NoExecute taints too
     */
    static Optional<List<Taint>> reconcile(List<Taint> current, boolean unreachable, boolean notReady, boolean evict,
                                           Instant now) {
        List<Taint> taints = current == null ? List.of() : current;
        List<Taint> wanted = new ArrayList<>();
        if (unreachable) {
            wanted.add(new Taint(NO_SCHEDULE, UNREACHABLE, null, null));
            if (evict) {
                wanted.add(new Taint(NO_EXECUTE, UNREACHABLE, now.toString(), null));
            }
        } else if (notReady) {
            wanted.add(new Taint(NO_SCHEDULE, NOT_READY, null, null));
            if (evict) {
                wanted.add(new Taint(NO_EXECUTE, NOT_READY, now.toString(), null));
            }
        }
        List<Taint> next = new ArrayList<>();
        for (Taint t : taints) {
            if (!owned(t) || wanted.stream().anyMatch(w -> same(w, t))) {
                next.add(t);
            }
        }
        for (Taint w : wanted) {
            if (taints.stream().noneMatch(t -> same(w, t))) {
                next.add(w);
            }
        }
        return next.equals(taints) ? Optional.empty() : Optional.of(next);
    }

    private static boolean same(Taint a, Taint b) {
        return Objects.equals(a.getKey(), b.getKey()) && Objects.equals(a.getEffect(), b.getEffect());
    }
}
