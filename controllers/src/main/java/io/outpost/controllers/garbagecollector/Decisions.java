package io.outpost.controllers.garbagecollector;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.OwnerReference;

/**
 * What the collector does with one object, decided from its node and its owners' states: kube's
 * {@code attemptToDeleteItem} and {@code processDeletingDependentsItem}, as pure functions.
 */
final class Decisions {

    private Decisions() {
    }

    /** An owner as the collector finds it. */
    enum OwnerState {
        /** Gone, or replaced by another object of the same name (another uid). */
        ABSENT,
        /** There and not waiting for its dependents. */
        SOLID,
        /** Being deleted in the foreground: waiting for its dependents to go. */
        WAITING
    }

    sealed interface Decision {
    }

    /** Leave it alone. */
    record Keep() implements Decision {
    }

    /** Remove these ownerReferences from it (they dangle, or their owner waits, while another owner stays). */
    record RemoveReferences(Set<String> ownerUids) implements Decision {
    }

    /** Delete it with this propagation policy. */
    record Delete(String propagationPolicy) implements Decision {
    }

    /** Remove this finalizer from it: the collector's part of its deletion is done. */
    record RemoveFinalizer(String finalizer) implements Decision {
    }

    /** It waits for these blocking dependents: look at each of them. */
    record AwaitDependents(List<Node> blocking) implements Decision {
    }

    /**
     * A dependent: deleted once no owner remains solid, in the foreground if an owner waits and it
     * has dependents of its own (so the wait propagates down), otherwise with the policy its own
     * finalizers ask for (kube's default: background).
     */
    static Decision forDependent(Node item, Map<String, OwnerState> owners, boolean hasDependents) {
        if (item.beingDeleted() || item.owners().isEmpty()) {
            return new Keep();
        }
        Set<String> solid = new LinkedHashSet<>();
        Set<String> dangling = new LinkedHashSet<>();
        Set<String> waiting = new LinkedHashSet<>();
        for (OwnerReference o : item.owners()) {
            switch (owners.getOrDefault(o.getUid(), OwnerState.ABSENT)) {
                case SOLID -> solid.add(o.getUid());
                case ABSENT -> dangling.add(o.getUid());
                case WAITING -> waiting.add(o.getUid());
            }
        }
        if (!solid.isEmpty()) {
            if (dangling.isEmpty() && waiting.isEmpty()) {
                return new Keep();
            }
            Set<String> remove = new LinkedHashSet<>(dangling);
            remove.addAll(waiting);
            return new RemoveReferences(remove);
        }
        if (!waiting.isEmpty() && hasDependents) {
            return new Delete("Foreground");
        }
        if (item.finalizers().contains(Node.ORPHAN)) {
            return new Delete("Orphan");
        }
        if (item.finalizers().contains(Node.FOREGROUND)) {
            return new Delete("Foreground");
        }
        return new Delete("Background");
    }

    /** An owner deleted in the foreground: it keeps its finalizer while a blocking dependent remains. */
    static Decision forWaitingOwner(Node owner, List<Node> dependents) {
        List<Node> blocking = dependents.stream().filter(d -> d.blocks(owner.ref().uid())).toList();
        if (blocking.isEmpty()) {
            return new RemoveFinalizer(Node.FOREGROUND);
        }
        return new AwaitDependents(blocking);
    }
}
