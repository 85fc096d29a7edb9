package io.outpost.controllers.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.outpost.testing.FakeClock;

class ServiceMembersTest {

    static final FakeClock CLOCK = new FakeClock();

    /** A pod of app=web with a container port named "http" on 8080/TCP. */
    static Pod pod(String name, String ip, String phase, boolean ready, boolean deleting, String app) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("shop").withUid(name + "-uid")
                .addToLabels("app", app).withDeletionTimestamp(deleting ? CLOCK.instant().toString() : null).endMetadata()
                .withNewSpec().withNodeName("node-1").addNewContainer().withName("web")
                .addNewPort().withName("http").withContainerPort(8080).endPort().endContainer().endSpec()
                .withNewStatus().withPodIP(ip).withPhase(phase)
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition().endStatus()
                .build();
    }

    static Pod pod(String name, String ip, boolean ready) {
        return pod(name, ip, "Running", ready, false, "web");
    }

    static Service service(Map<String, String> selector, boolean publishNotReady, ServicePort... ports) {
        return new ServiceBuilder().withNewMetadata().withName("web").withNamespace("shop").withUid("svc-uid").endMetadata()
                .withNewSpec().withSelector(selector).withPublishNotReadyAddresses(publishNotReady ? true : null)
                .withPorts(ports).endSpec().build();
    }

    static ServicePort port(String name, int port, IntOrString target) {
        return new ServicePortBuilder().withName(name).withPort(port).withTargetPort(target).build();
    }

    record Resolution(String name, ServicePort port, Optional<Integer> resolved) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Resolution> resolutions() {
        return Stream.of(
                new Resolution("A numeric targetPort is used as it is", port("a", 80, new IntOrString(9090)), Optional.of(9090)),
                new Resolution("No targetPort means the service port", port("a", 80, null), Optional.of(80)),
                new Resolution("A named targetPort resolves to the container port of that name", port("a", 80, new IntOrString("http")),
                        Optional.of(8080)),
                new Resolution("A name the pod does not declare resolves to nothing", port("a", 80, new IntOrString("grpc")),
                        Optional.empty()),
                new Resolution("A named port of another protocol does not match",
                        new ServicePortBuilder().withPort(53).withProtocol("UDP").withTargetPort(new IntOrString("http")).build(),
                        Optional.empty()));
    }

    @ParameterizedTest
    @MethodSource("resolutions")
    void targetPortsResolveAgainstThePodsContainerPorts(Resolution r) {
        assertThat(ServiceMembers.resolve(r.port(), pod("a", "10.0.0.1", true))).isEqualTo(r.resolved());
    }

    record Membership(String name, Service service, Pod pod, boolean includeTerminating, Optional<Boolean> ready) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final Service WEB = service(Map.of("app", "web"), false, port("http", 80, new IntOrString("http")));

    static Stream<Membership> memberships() {
        return Stream.of(
                new Membership("A ready matching pod with an IP is a ready member", WEB, pod("a", "10.0.0.1", true), false, Optional.of(true)),
                new Membership("A matching pod that is not ready is a not-ready member", WEB, pod("a", "10.0.0.1", false), false,
                        Optional.of(false)),
                new Membership("A pod without an IP yet is no member", WEB, pod("a", null, true), false, Optional.empty()),
                new Membership("A pod the selector does not match is no member", WEB, pod("a", "10.0.0.1", "Running", true, false, "db"),
                        false, Optional.empty()),
                new Membership("A terminated pod is no member", WEB, pod("a", "10.0.0.1", "Succeeded", true, false, "web"), false,
                        Optional.empty()),
                new Membership("A terminating pod is left out of Endpoints", WEB, pod("a", "10.0.0.1", "Running", true, true, "web"),
                        false, Optional.empty()),
                new Membership("A terminating pod stays in slices, not ready", WEB, pod("a", "10.0.0.1", "Running", true, true, "web"),
                        true, Optional.of(false)),
                new Membership("A service publishing not-ready addresses counts every member ready",
                        service(Map.of("app", "web"), true, port("http", 80, null)), pod("a", "10.0.0.1", false), false, Optional.of(true)),
                new Membership("A service without a selector has no members", service(null, false, port("http", 80, null)),
                        pod("a", "10.0.0.1", true), false, Optional.empty()));
    }

    @ParameterizedTest
    @MethodSource("memberships")
    void podsWithAnIpThatTheSelectorMatchesBackTheService(Membership m) {
        List<ServiceMembers.Member> members = ServiceMembers.members(m.service(), List.of(m.pod()), m.includeTerminating());
        assertThat(members.stream().findFirst().map(ServiceMembers.Member::ready)).isEqualTo(m.ready());
    }
}
