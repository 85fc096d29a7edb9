package io.outpost.controllers.endpointslice;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.outpost.controllers.common.ServiceMembers;
import io.outpost.testing.FakeClock;

class SlicesTest {

    static final FakeClock CLOCK = new FakeClock();

    static Pod pod(String name, String ip, boolean ready, boolean deleting) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("shop").withUid(name + "-uid")
                .addToLabels("app", "web").withDeletionTimestamp(deleting ? CLOCK.instant().toString() : null).endMetadata()
                .withNewSpec().withNodeName("node-1").addNewContainer().withName("web")
                .addNewPort().withName("http").withContainerPort(8080).endPort().endContainer().endSpec()
                .withNewStatus().withPodIP(ip).withPhase("Running")
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition().endStatus()
                .build();
    }

    static final Service WEB = new ServiceBuilder().withNewMetadata().withName("web").withNamespace("shop").withUid("svc-uid")
            .addToLabels("tier", "front").endMetadata()
            .withNewSpec().withSelector(Map.of("app", "web"))
            .addToPorts(new ServicePortBuilder().withName("http").withPort(80).withTargetPort(new IntOrString("http")).build())
            .endSpec().build();

    static List<EndpointSlice> slices(List<Pod> pods) {
        return Slices.desired(WEB, ServiceMembers.members(WEB, pods, true));
    }

    /** An endpoint's conditions as "ready/serving/terminating". */
    record Case(String name, Pod pod, String conditions) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A ready pod is ready and serving", pod("a", "10.0.0.1", true, false), "true/true/false"),
                new Case("A pod that is not ready is neither", pod("a", "10.0.0.1", false, false), "false/false/false"),
                new Case("A ready pod being deleted is serving and terminating, not ready", pod("a", "10.0.0.1", true, true),
                        "false/true/true"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void endpointConditionsFollowReadinessAndTermination(Case c) {
        Endpoint e = slices(List.of(c.pod())).get(0).getEndpoints().get(0);
        var cond = e.getConditions();
        assertThat(cond.getReady() + "/" + cond.getServing() + "/" + cond.getTerminating()).isEqualTo(c.conditions());
        assertThat(e.getAddresses()).containsExactly("10.0.0.1");
        assertThat(e.getTargetRef().getName()).isEqualTo("a");
        assertThat(e.getNodeName()).isEqualTo("node-1");
    }

    @Test
    void aSliceIsLabelledForItsServiceAndOwnedByIt() {
        EndpointSlice slice = slices(List.of(pod("a", "10.0.0.1", true, false))).get(0);
        assertThat(slice.getAddressType()).isEqualTo("IPv4");
        assertThat(slice.getMetadata().getLabels()).containsEntry("kubernetes.io/service-name", "web")
                .containsEntry("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io")
                .containsEntry("tier", "front");
        assertThat(slice.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind() + "/" + o.getUid() + "/" + o.getController()).isEqualTo("Service/svc-uid/true"));
        assertThat(slice.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(8080));
    }

    @Test
    void moreThanAHundredEndpointsSplitIntoSlicesWithStableNames() {
        List<Pod> pods = new ArrayList<>();
        IntStream.range(0, 150).forEach(i -> pods.add(pod("p" + i, "10.0." + (i / 200) + "." + (i % 200), true, false)));
        List<EndpointSlice> slices = slices(pods);
        assertThat(slices).extracting(s -> s.getEndpoints().size()).containsExactly(100, 50);
        assertThat(slices.get(1).getMetadata().getName()).isEqualTo(slices.get(0).getMetadata().getName() + "-1");
        assertThat(slices(pods)).extracting(s -> s.getMetadata().getName())
                .containsExactlyElementsOf(slices.stream().map(s -> s.getMetadata().getName()).toList());
    }

    record Change(String name, List<Pod> before, List<Pod> after, boolean same) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Change> changes() {
        Pod ready = pod("a", "10.0.0.1", true, false);
        return Stream.of(
                new Change("Nothing changed means no write", List.of(ready), List.of(ready), true),
                new Change("A pod turning not ready is a change", List.of(ready), List.of(pod("a", "10.0.0.1", false, false)), false),
                new Change("A new pod is a change", List.of(ready), List.of(ready, pod("b", "10.0.0.2", true, false)), false));
    }

    @ParameterizedTest
    @MethodSource("changes")
    void aSliceIsRewrittenOnlyWhenItsContentChanged(Change c) {
        EndpointSlice stored = new EndpointSliceBuilder(slices(c.before()).get(0)).editMetadata().withResourceVersion("7")
                .endMetadata().build();
        assertThat(Slices.same(stored, slices(c.after()).get(0))).isEqualTo(c.same());
    }
}
