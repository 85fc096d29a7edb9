package io.outpost.controllers.nodeipam;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;

/** The range allocator's decisions (IPv4 only, as Outpost allocates today). */
class RangeAllocatorTest {

    static Node node(String name, String... podCidrs) {
        return new NodeBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withPodCIDR(podCidrs.length == 0 ? null : podCidrs[0]).withPodCIDRs(podCidrs).endSpec().build();
    }

    static Node legacy(String name, String podCidr) {
        return new NodeBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withPodCIDR(podCidr).endSpec().build();
    }

    static NodeIpamSettings settings(String cluster, int mask) {
        return new NodeIpamSettings(Ipv4Cidr.parse(cluster), mask);
    }

    /**
     * @param existing nodes the controller finds at start
     * @param deleted  nodes deleted afterwards, before {@code arriving} come
     * @param arriving nodes without a podCIDR, decided in order
     * @param expected each arriving node's decision, as text
     */
    record Case(String name, NodeIpamSettings settings, List<Node> existing, List<Node> deleted, List<Node> arriving,
                List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        NodeIpamSettings k3s = NodeIpamSettings.defaults();
        NodeIpamSettings four = settings("10.0.0.0/22", 24);
        return Stream.of(
                new Case("The first nodes get the cluster CIDR's first subnets, in order", k3s, List.of(), List.of(),
                        List.of(node("a"), node("b"), node("c")),
                        List.of("Assign 10.42.0.0/24", "Assign 10.42.1.0/24", "Assign 10.42.2.0/24")),
                new Case("A node that has a podCIDR keeps it", k3s, List.of(), List.of(),
                        List.of(node("a", "10.42.7.0/24")), List.of("Keep 10.42.7.0/24")),
                new Case("A node written with only the older spec.podCIDR keeps it", k3s, List.of(), List.of(),
                        List.of(legacy("a", "10.42.7.0/24")), List.of("Keep 10.42.7.0/24")),
                new Case("After a restart the existing nodes' subnets are never handed out again", k3s,
                        List.of(node("a", "10.42.0.0/24"), node("b", "10.42.1.0/24"), node("c", "10.42.3.0/24")), List.of(),
                        List.of(node("d"), node("e")), List.of("Assign 10.42.2.0/24", "Assign 10.42.4.0/24")),
                new Case("A deleted node's subnet is free again, once the scan comes round to it", four,
                        List.of(node("a", "10.0.0.0/24"), node("b", "10.0.1.0/24"), node("c", "10.0.2.0/24")),
                        List.of(node("b", "10.0.1.0/24")),
                        List.of(node("d"), node("e"), node("f")),
                        List.of("Assign 10.0.1.0/24", "Assign 10.0.3.0/24", "Exhausted 4")),
                new Case("When every subnet is taken the node gets none", settings("10.0.0.0/23", 24),
                        List.of(node("a", "10.0.0.0/24"), node("b", "10.0.1.0/24")), List.of(),
                        List.of(node("c")), List.of("Exhausted 2")),
                new Case("An existing podCIDR wider than a node subnet takes every subnet it covers", four,
                        List.of(node("a", "10.0.0.0/23")), List.of(), List.of(node("b"), node("c")),
                        List.of("Assign 10.0.2.0/24", "Assign 10.0.3.0/24")),
                new Case("A podCIDR outside the cluster CIDR is left alone and takes nothing", four,
                        List.of(), List.of(), List.of(node("a", "192.168.0.0/24"), node("b")),
                        List.of("Invalid node a: CIDR 192.168.0.0/24 is out of the range of the cluster CIDR 10.0.0.0/22",
                                "Assign 10.0.0.0/24")),
                new Case("A podCIDR that is no CIDR is left alone", four, List.of(), List.of(), List.of(node("a", "10.0.0.1")),
                        List.of("Invalid node a has podCIDR 10.0.0.1 that this allocator cannot use: '10.0.0.1' is not a CIDR;"
                                + " write an IPv4 network with its prefix length, like 10.42.0.0/16")),
                new Case("A /30 of /32s hands out single addresses", settings("10.9.9.8/30", 32), List.of(), List.of(),
                        List.of(node("a"), node("b"), node("c"), node("d"), node("e")),
                        List.of("Assign 10.9.9.8/32", "Assign 10.9.9.9/32", "Assign 10.9.9.10/32", "Assign 10.9.9.11/32", "Exhausted 4")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void nodesGetDistinctSubnetsOfTheClusterCidr(Case c) {
        RangeAllocator allocator = new RangeAllocator(c.settings());
        allocator.occupyAll(c.existing());
        c.deleted().forEach(allocator::release);
        List<String> decisions = new ArrayList<>();
        for (Node n : c.arriving()) {
            decisions.add(text(allocator.decide(n)));
        }
        assertThat(decisions).containsExactlyElementsOf(c.expected());
    }

    static String text(RangeAllocator.Decision d) {
        return switch (d) {
            case RangeAllocator.Decision.Keep k -> "Keep " + k.cidr();
            case RangeAllocator.Decision.Assign a -> "Assign " + a.cidr();
            case RangeAllocator.Decision.Exhausted e -> "Exhausted " + e.subnets();
            case RangeAllocator.Decision.Invalid i -> "Invalid " + i.reason();
        };
    }

    @Test
    void aSubnetWhoseWriteFailedIsGivenBackAndTheNodeIsRetried() {
        RangeAllocator allocator = new RangeAllocator(settings("10.0.0.0/23", 24));
        var first = (RangeAllocator.Decision.Assign) allocator.decide(node("a"));
        allocator.undo(first.cidr());
        assertThat(allocator.allocated()).isZero();
        assertThat(text(allocator.decide(node("b")))).isEqualTo("Assign 10.0.1.0/24");
        assertThat(text(allocator.decide(node("a")))).as("the scan comes round to the subnet given back").isEqualTo("Assign 10.0.0.0/24");
    }

    @Test
    void keepingAndReleasingAreIdempotent() {
        RangeAllocator allocator = new RangeAllocator(settings("10.0.0.0/22", 24));
        Node a = node("a", "10.0.2.0/24");
        allocator.decide(a);
        allocator.decide(a);
        assertThat(allocator.allocated()).isEqualTo(1);
        allocator.release(a);
        allocator.release(a);
        allocator.release(node("never-had-one"));
        assertThat(allocator.allocated()).isZero();
    }
}
