package io.outpost.scheduler.plugins.nodeports;

import static io.outpost.scheduler.testing.Fixtures.cluster;
import static io.outpost.scheduler.testing.Fixtures.node;
import static io.outpost.scheduler.testing.Fixtures.on;
import static io.outpost.scheduler.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.outpost.scheduler.framework.Status;

class NodePortsTest {

    static final Status TAKEN = Status.unschedulable("node(s) didn't have free ports for the requested pod ports");

    record Case(String name, ContainerPort used, ContainerPort wanted, Status want) {
        @Override
        public String toString() {
            return name;
        }
    }

    static ContainerPort port(String ip, String protocol, int hostPort) {
        ContainerPort p = new ContainerPort();
        p.setContainerPort(80);
        p.setHostIP(ip);
        p.setProtocol(protocol);
        p.setHostPort(hostPort);
        return p;
    }

    static PodBuilder withPort(String name, ContainerPort port) {
        return pod(name).editSpec().editFirstContainer().withPorts(port).endContainer().endSpec();
    }

    static Stream<Case> cases() {
        return Stream.of(new Case("Different ports do not conflict", port(null, "TCP", 8080), port(null, "TCP", 8081),
                Status.SUCCESS),
                new Case("The same port and protocol on every address conflict", port(null, "TCP", 8080),
                        port(null, "TCP", 8080), TAKEN),
                new Case("The same port over another protocol does not conflict", port(null, "UDP", 8080),
                        port(null, "TCP", 8080), Status.SUCCESS),
                new Case("Two specific addresses do not conflict", port("10.0.0.1", "TCP", 8080),
                        port("10.0.0.2", "TCP", 8080), Status.SUCCESS),
                new Case("A specific address conflicts with the wildcard", port("0.0.0.0", "TCP", 8080),
                        port("10.0.0.2", "TCP", 8080), TAKEN));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void filter(Case c) {
        var cluster = cluster(List.of(node("n1").build()), List.of(on("n1", withPort("a", c.used()))));
        assertThat(cluster.filter(new NodePorts(), withPort("p", c.wanted()).build(), "n1")).isEqualTo(c.want());
    }
}
