package io.outpost.controllers.nodeipam;

import java.util.Objects;

/**
 * What the node IPAM controller divides: {@code clusterCidr} ({@code outpost server
 * --cluster-cidr}, kube-controller-manager's flag of that name) into one {@code /nodeMaskSize}
 * subnet per node ({@code --node-cidr-mask-size}).
 *
 * <p>As kube's {@code cidrset.NewCIDRSet}, the node mask must be longer than the cluster's, and at
 * most 16 bits longer (kube refuses a set of more than 65536 subnets: "the node CIDR size is too
 * big"). Messages name the flags, since they reach the user as usage errors.
 *
 * <p>Thread model: immutable.
 */
public record NodeIpamSettings(Ipv4Cidr clusterCidr, int nodeMaskSize) {

    /** k3s's cluster CIDR. */
    public static final String DEFAULT_CLUSTER_CIDR = "10.42.0.0/16";
    /** kube-controller-manager's default for IPv4. */
    public static final int DEFAULT_NODE_MASK_SIZE = 24;
    /** kube's {@code clusterSubnetMaxDiff}. */
    static final int MAX_SUBNET_BITS = 16;

    public NodeIpamSettings {
        Objects.requireNonNull(clusterCidr, "clusterCidr");
        if (nodeMaskSize <= clusterCidr.prefix() || nodeMaskSize > 32) {
            throw new IllegalArgumentException("--node-cidr-mask-size " + nodeMaskSize + " must be longer than the --cluster-cidr "
                    + clusterCidr + " prefix (/" + clusterCidr.prefix() + ") and at most 32; for example "
                    + Math.min(32, Math.max(clusterCidr.prefix() + 1, DEFAULT_NODE_MASK_SIZE)));
        }
        if (nodeMaskSize - clusterCidr.prefix() > MAX_SUBNET_BITS) {
            throw new IllegalArgumentException("--node-cidr-mask-size " + nodeMaskSize + " would cut --cluster-cidr " + clusterCidr
                    + " into more than 65536 node subnets; use at most /" + (clusterCidr.prefix() + MAX_SUBNET_BITS)
                    + " or a smaller cluster CIDR");
        }
    }

    public static NodeIpamSettings defaults() {
        return new NodeIpamSettings(Ipv4Cidr.parse(DEFAULT_CLUSTER_CIDR), DEFAULT_NODE_MASK_SIZE);
    }

    /** How many node subnets the cluster CIDR holds. */
    public int subnets() {
        return 1 << (nodeMaskSize - clusterCidr.prefix());
    }
}
