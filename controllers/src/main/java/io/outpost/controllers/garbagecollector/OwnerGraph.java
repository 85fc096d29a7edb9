package io.outpost.controllers.garbagecollector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import io.fabric8.kubernetes.api.model.OwnerReference;

/**
 * The graph of ownerReferences over every object the collector watches (kube's GC
 * {@code uidToNode} with its owner and dependent edges), kept up to date from informer events.
 * Each change answers which objects must be looked at again (kube's {@code processGraphChanges}):
 * <ul>
 *   <li>an object naming an owner the graph has not seen: itself (the owner may be gone);</li>
 *   <li>an object whose deletion waits for its dependents (foreground): itself and every dependent;</li>
 *   <li>an object deleted with the {@code orphan} finalizer: itself, to orphan its dependents;</li>
 *   <li>an object gone: every dependent (now dangling), and every owner that waited for it.</li>
 * </ul>
 *
 * <p>Thread model: informer threads call {@link #observe} and {@link #remove}; workers read. Every
 * method is atomic under one lock; nodes are immutable values.
 */
final class OwnerGraph {

    /** What to look at again after a change. */
    record Work(Set<String> attemptToDelete, Set<String> orphan) {
        static Work none() {
            return new Work(Set.of(), Set.of());
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Node> nodes = new HashMap<>();
    /** owner uid to the uids of the objects naming it, including owners not (yet) in the graph. */
    private final Map<String, Set<String>> dependents = new HashMap<>();

    Work observe(Node node) {
        lock.lock();
        try {
            String uid = node.ref().uid();
            Node old = nodes.put(uid, node);
            if (old != null) {
                for (OwnerReference o : old.owners()) {
                    Set<String> deps = dependents.get(o.getUid());
                    if (deps != null) {
                        deps.remove(uid);
                        if (deps.isEmpty()) {
                            dependents.remove(o.getUid());
                        }
                    }
                }
            }
            Set<String> attempt = new LinkedHashSet<>();
            Set<String> orphan = new LinkedHashSet<>();
            for (OwnerReference o : node.owners()) {
                dependents.computeIfAbsent(o.getUid(), k -> new HashSet<>()).add(uid);
                if (!nodes.containsKey(o.getUid())) {
                    attempt.add(uid);
                }
            }
            if (old != null && !old.owners().equals(node.owners())) {
                // A reference removed may unblock an owner waiting in the foreground.
                for (OwnerReference o : old.owners()) {
                    Node owner = nodes.get(o.getUid());
                    if (owner != null && owner.deletingDependents()) {
                        attempt.add(owner.ref().uid());
                    }
                }
            }
            if (node.deletingDependents()) {
                attempt.add(uid);
                attempt.addAll(dependents.getOrDefault(uid, Set.of()));
            }
            if (node.orphaning()) {
                orphan.add(uid);
            }
            return new Work(attempt, orphan);
        } finally {
            lock.unlock();
        }
    }

    Work remove(String uid) {
        lock.lock();
        try {
            Node old = nodes.remove(uid);
            Set<String> attempt = new LinkedHashSet<>(dependents.getOrDefault(uid, Set.of()));
            if (old != null) {
                for (OwnerReference o : old.owners()) {
                    Set<String> deps = dependents.get(o.getUid());
                    if (deps != null) {
                        deps.remove(uid);
                        if (deps.isEmpty()) {
                            dependents.remove(o.getUid());
                        }
                    }
                    Node owner = nodes.get(o.getUid());
                    if (owner != null && owner.deletingDependents()) {
                        attempt.add(owner.ref().uid());
                    }
                }
            }
            return new Work(attempt, Set.of());
        } finally {
            lock.unlock();
        }
    }

    Optional<Node> node(String uid) {
        lock.lock();
        try {
            return Optional.ofNullable(nodes.get(uid));
        } finally {
            lock.unlock();
        }
    }

    /** The objects in the graph that name {@code ownerUid} as an owner. */
    List<Node> dependentsOf(String ownerUid) {
        lock.lock();
        try {
            List<Node> out = new ArrayList<>();
            for (String d : dependents.getOrDefault(ownerUid, Set.of())) {
                Node n = nodes.get(d);
                if (n != null) {
                    out.add(n);
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return nodes.size();
        } finally {
            lock.unlock();
        }
    }
}
