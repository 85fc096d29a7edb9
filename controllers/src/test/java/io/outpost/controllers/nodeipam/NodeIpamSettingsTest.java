package io.outpost.controllers.nodeipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code --cluster-cidr} and {@code --node-cidr-mask-size} as the server checks them. */
class NodeIpamSettingsTest {

    record Case(String name, String cidr, int mask, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("k3s's defaults hold 256 node subnets", "10.42.0.0/16", 24, "10.42.0.0/16 256"),
                new Case("An address with host bits is masked to its network, as kube parses it", "10.42.3.4/16", 24, "10.42.0.0/16 256"),
                new Case("A node mask 16 bits longer than the cluster's is the most allowed", "10.0.0.0/8", 24, "10.0.0.0/8 65536"),
                new Case("A node mask more than 16 bits longer is refused", "10.0.0.0/8", 25,
                        "--node-cidr-mask-size 25 would cut --cluster-cidr 10.0.0.0/8 into more than 65536 node subnets; use at most /24"),
                new Case("A node mask no longer than the cluster's is refused", "10.42.0.0/16", 16,
                        "--node-cidr-mask-size 16 must be longer than the --cluster-cidr 10.42.0.0/16 prefix (/16) and at most 32"),
                new Case("A node mask past 32 is refused", "10.42.0.0/16", 33, "at most 32"),
                new Case("A CIDR without a prefix length is refused", "10.42.0.0", 24,
                        "'10.42.0.0' is not a CIDR; write an IPv4 network with its prefix length, like 10.42.0.0/16"),
                new Case("An IPv6 CIDR is refused for now", "fd00::/48", 64, "(IPv6 is not supported yet)"),
                new Case("An octet past 255 is refused", "10.420.0.0/16", 24, "each of its four numbers must be 0 to 255"),
                new Case("A prefix length past 32 is refused", "10.42.0.0/40", 24, "no prefix length from 0 to 32"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void theFlagsAreCheckedAsKubeChecksThem(Case c) {
        if (c.expected().startsWith("10.")) {
            NodeIpamSettings s = new NodeIpamSettings(Ipv4Cidr.parse(c.cidr()), c.mask());
            assertThat(s.clusterCidr() + " " + s.subnets()).isEqualTo(c.expected());
        } else {
            assertThatThrownBy(() -> new NodeIpamSettings(Ipv4Cidr.parse(c.cidr()), c.mask()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(c.expected());
        }
    }
}
