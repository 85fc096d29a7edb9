package io.outpost.controllers.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.outpost.testing.FakeClock;

class SubsetsTest {

    static final FakeClock CLOCK = new FakeClock();

    static Pod pod(String name, String ip, boolean ready, String portName) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("shop").withUid(name + "-uid")
                .addToLabels("app", "web").withCreationTimestamp(CLOCK.instant().toString()).endMetadata()
                .withNewSpec().withNodeName("node-1").addNewContainer().withName("web")
                .addNewPort().withName(portName).withContainerPort(8080).endPort().endContainer().endSpec()
                .withNewStatus().withPodIP(ip).withPhase("Running")
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition().endStatus()
                .build();
    }

    static Service service(String targetPort) {
        return new ServiceBuilder().withNewMetadata().withName("web").withNamespace("shop").endMetadata()
                .withNewSpec().withSelector(Map.of("app", "web"))
                .addToPorts(new ServicePortBuilder().withName("http").withPort(80).withProtocol("TCP")
                        .withTargetPort(new IntOrString(targetPort)).build())
                .endSpec().build();
    }

    /** Each subset as "ports | ready IPs | not-ready IPs". */
    record Case(String name, Service service, List<Pod> pods, List<String> subsets) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("Ready pods are addresses, sorted by IP", service("http"),
                        List.of(pod("b", "10.0.0.2", true, "http"), pod("a", "10.0.0.1", true, "http")),
                        List.of("[8080] | [10.0.0.1, 10.0.0.2] | []")),
                new Case("A pod that is not ready is a notReadyAddress in the same subset", service("http"),
                        List.of(pod("a", "10.0.0.1", true, "http"), pod("b", "10.0.0.2", false, "http")),
                        List.of("[8080] | [10.0.0.1] | [10.0.0.2]")),
                new Case("A pod that does not declare the named port is left out", service("http"),
                        List.of(pod("a", "10.0.0.1", true, "http"), pod("b", "10.0.0.2", true, "metrics")),
                        List.of("[8080] | [10.0.0.1] | []")),
                new Case("No matching pods means no subsets", service("http"), List.of(), List.of()));
    }

    static String describe(EndpointSubset s) {
        return s.getPorts().stream().map(p -> p.getPort()).toList() + " | "
                + s.getAddresses().stream().map(EndpointAddress::getIp).toList() + " | "
                + s.getNotReadyAddresses().stream().map(EndpointAddress::getIp).toList();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void subsetsGroupPodsByTheirResolvedPorts(Case c) {
        assertThat(Subsets.of(c.service(), c.pods())).extracting(SubsetsTest::describe).containsExactlyElementsOf(c.subsets());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void everyAddressNamesItsPodAndNode(Case c) {
        assertThat(Subsets.of(c.service(), c.pods()).stream().flatMap(s -> s.getAddresses().stream()))
                .allSatisfy(a -> {
                    assertThat(a.getNodeName()).isEqualTo("node-1");
                    assertThat(a.getTargetRef().getKind()).isEqualTo("Pod");
                    assertThat(a.getTargetRef().getUid()).isEqualTo(a.getTargetRef().getName() + "-uid");
                });
    }
}
