package io.outpost.controllers.nodeipam;

import java.util.BitSet;
import java.util.Optional;

/**
 * Which node subnets of the cluster CIDR are taken: a bitmap with one bit per {@code
 * /nodeMaskSize} subnet, as kube's {@code nodeipam/ipam/cidrset.CidrSet}. Allocation scans
 * circularly from after the last subnet handed out, so a subnet just released (a node deleted) is
 * not the next one given, and a restarted server that re-occupies the nodes' subnets never hands
 * one out twice.
 *
 * <p>Thread model: not thread-safe; the controller guards it with its lock.
 */
final class CidrSet {

    private final NodeIpamSettings settings;
    private final BitSet used;
    private int nextCandidate;
    private int allocated;

    CidrSet(NodeIpamSettings settings) {
        this.settings = settings;
        this.used = new BitSet(settings.subnets());
    }

    /** The next free subnet, marked used; empty when every one is taken (kube: "no remaining CIDRs left"). */
    Optional<Ipv4Cidr> allocateNext() {
        int size = settings.subnets();
        for (int i = 0; i < size; i++) {
            int candidate = (nextCandidate + i) % size;
            if (!used.get(candidate)) {
                used.set(candidate);
                allocated++;
                nextCandidate = (candidate + 1) % size;
                return Optional.of(subnet(candidate));
            }
        }
        return Optional.empty();
    }

    /**
     * Marks every subnet {@code cidr} overlaps as used (a node's existing podCIDR, even one of
     * another mask size, as kube's {@code Occupy}); idempotent.
     *
     * @throws IllegalArgumentException if {@code cidr} lies outside the cluster CIDR
     */
    void occupy(Ipv4Cidr cidr) {
        int[] range = indices(cidr);
        for (int i = range[0]; i <= range[1]; i++) {
            if (!used.get(i)) {
                used.set(i);
                allocated++;
            }
        }
    }

    /** Marks every subnet {@code cidr} overlaps as free; idempotent. */
    void release(Ipv4Cidr cidr) {
        int[] range = indices(cidr);
        for (int i = range[0]; i <= range[1]; i++) {
            if (used.get(i)) {
                used.clear(i);
                allocated--;
            }
        }
    }

    /** How many node subnets are taken. */
    int allocated() {
        return allocated;
    }

    private Ipv4Cidr subnet(int index) {
        int shift = 32 - settings.nodeMaskSize();
        return new Ipv4Cidr(settings.clusterCidr().base() + (index << shift), settings.nodeMaskSize());
    }

    /** First and last subnet index {@code cidr} overlaps. */
    private int[] indices(Ipv4Cidr cidr) {
        Ipv4Cidr cluster = settings.clusterCidr();
        if (cidr.contains(cluster)) {
            return new int[] {0, settings.subnets() - 1};
        }
        if (!cluster.contains(cidr)) {
            throw new IllegalArgumentException("CIDR " + cidr + " is out of the range of the cluster CIDR " + cluster);
        }
        int shift = 32 - settings.nodeMaskSize();
        long offset = Integer.toUnsignedLong(cidr.base()) - Integer.toUnsignedLong(cluster.base());
        int first = (int) (offset >>> shift);
        if (cidr.prefix() >= settings.nodeMaskSize()) {
            return new int[] {first, first};
        }
        int count = 1 << (settings.nodeMaskSize() - cidr.prefix());
        return new int[] {first, first + count - 1};
    }
}
