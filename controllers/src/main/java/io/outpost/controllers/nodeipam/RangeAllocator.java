package io.outpost.controllers.nodeipam;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import io.fabric8.kubernetes.api.model.Node;

/**
 * Kube's {@code nodeipam/ipam.rangeAllocator} decisions, without the API: which subnet of the
 * cluster CIDR a node gets, which are taken by nodes that have one, and which a deleted node
 * gives back. The controller asks it, then writes the node.
 *
 * <ul>
 *   <li>A node that has {@code spec.podCIDRs} (or only the older {@code spec.podCIDR}) keeps it,
 *       and its subnet is marked taken ({@link Decision.Keep}): so is every node's at start
 *       ({@link #occupyAll}), which is how a restarted or newly elected controller never hands a
 *       subnet out twice.</li>
 *   <li>A node without one gets the next free subnet ({@link Decision.Assign}); when none is left
 *       it gets {@link Decision.Exhausted} (kube records {@code CIDRNotAvailable}).</li>
 *   <li>A podCIDR that does not parse or lies outside the cluster CIDR is {@link Decision.Invalid}:
 *       kube-controller-manager exits on it at start; Outpost logs it and leaves the node alone,
 *       so one odd node does not stop every controller.</li>
 * </ul>
 * IPv4 only: a dual-stack cluster would hold one set per family, as kube does.
 *
 * <p>Thread model: any thread; one lock guards the set (the controller's workers call it
 * concurrently for different nodes, and informer threads release).
 */
public final class RangeAllocator {

    /** What to do with one node. */
    public sealed interface Decision {
        /** The node has its subnet, now marked taken; nothing to write. */
        record Keep(Ipv4Cidr cidr) implements Decision {
        }

        /** Write {@code cidr} to the node; {@link #undo} it if the write fails. */
        record Assign(Ipv4Cidr cidr) implements Decision {
        }

        /** Every subnet is taken. */
        record Exhausted(int subnets) implements Decision {
        }

        /** The node's podCIDR is unusable here; {@code reason} says why. */
        record Invalid(String reason) implements Decision {
        }
    }

    private final NodeIpamSettings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private final CidrSet set;

    public RangeAllocator(NodeIpamSettings settings) {
        this.settings = settings;
        this.set = new CidrSet(settings);
    }

    public NodeIpamSettings settings() {
        return settings;
    }

    /** Marks the subnets of {@code nodes} that have one as taken; returns the problems met, one per odd node. */
    public List<String> occupyAll(List<Node> nodes) {
        return nodes.stream().map(this::decideExisting).flatMap(Optional::stream)
                .filter(d -> d instanceof Decision.Invalid).map(d -> ((Decision.Invalid) d).reason()).toList();
    }

    /** Kube's {@code AllocateOrOccupyCIDR}: keeps a node's subnet, or picks a free one for it. */
    public Decision decide(Node node) {
        Optional<Decision> existing = decideExisting(node);
        if (existing.isPresent()) {
            return existing.get();
        }
        lock.lock();
        try {
            return set.allocateNext().<Decision>map(Decision.Assign::new)
                    .orElseGet(() -> new Decision.Exhausted(settings.subnets()));
        } finally {
            lock.unlock();
        }
    }

    /** Gives back a subnet picked for a node whose write failed. */
    public void undo(Ipv4Cidr cidr) {
        lock.lock();
        try {
            set.release(cidr);
        } finally {
            lock.unlock();
        }
    }

    /** Kube's {@code ReleaseCIDR}: a deleted node's subnet is free again; nothing for one without. */
    public void release(Node node) {
        for (String text : podCidrs(node)) {
            try {
                Ipv4Cidr cidr = Ipv4Cidr.parse(text);
                lock.lock();
                try {
                    set.release(cidr);
                } finally {
                    lock.unlock();
                }
            } catch (IllegalArgumentException e) {
                // never occupied, so nothing to give back
            }
        }
    }

    /** How many node subnets are taken. */
    public int allocated() {
        lock.lock();
        try {
            return set.allocated();
        } finally {
            lock.unlock();
        }
    }

    /** Keep or Invalid for a node that has a podCIDR; empty for one that has none. */
    private Optional<Decision> decideExisting(Node node) {
        List<String> cidrs = podCidrs(node);
        if (cidrs.isEmpty()) {
            return Optional.empty();
        }
        String first = cidrs.getFirst();
        Ipv4Cidr cidr;
        try {
            cidr = Ipv4Cidr.parse(first);
        } catch (IllegalArgumentException e) {
            return Optional.of(new Decision.Invalid("node " + node.getMetadata().getName() + " has podCIDR " + first
                    + " that this allocator cannot use: " + e.getMessage()));
        }
        lock.lock();
        try {
            set.occupy(cidr);
        } catch (IllegalArgumentException e) {
            return Optional.of(new Decision.Invalid("node " + node.getMetadata().getName() + ": " + e.getMessage()));
        } finally {
            lock.unlock();
        }
        return Optional.of(new Decision.Keep(cidr));
    }

    /** {@code spec.podCIDRs}, or the single {@code spec.podCIDR} of a node written by an older client. */
    static List<String> podCidrs(Node node) {
        if (node.getSpec() == null) {
            return List.of();
        }
        List<String> list = node.getSpec().getPodCIDRs();
        if (list != null && !list.isEmpty()) {
            return List.copyOf(list);
        }
        String single = node.getSpec().getPodCIDR();
        return single == null || single.isEmpty() ? List.of() : List.of(single);
    }
}
