package io.outpost.scheduler.plugins.interpodaffinity;

import static io.outpost.scheduler.testing.Fixtures.cluster;
import static io.outpost.scheduler.testing.Fixtures.node;
import static io.outpost.scheduler.testing.Fixtures.on;
import static io.outpost.scheduler.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.outpost.scheduler.framework.Status;

class InterPodAffinityTest {

    static final Status AFFINITY = Status.unresolvable("node(s) didn't match pod affinity rules");
    static final Status ANTI = Status.unschedulable("node(s) didn't match pod anti-affinity rules");
    static final Status EXISTING = Status.unschedulable("node(s) didn't satisfy existing pods anti-affinity rules");

    static List<Node> nodes() {
        return List.of(zoned("a1", "a"), zoned("a2", "a"), zoned("b1", "b"));
    }

    static Node zoned(String name, String zone) {
        return node(name).editMetadata().addToLabels("zone", zone).endMetadata().build();
    }

    static PodAffinityTerm term(String app, String key) {
        return new PodAffinityTermBuilder().withTopologyKey(key)
                .withLabelSelector(new LabelSelectorBuilder().addToMatchLabels("app", app).build()).build();
    }

    static PodBuilder app(String name, String app) {
        return pod(name).editMetadata().addToLabels("app", app).endMetadata();
    }

    static Pod withAffinity(PodBuilder pod, PodAffinityTerm affinity, PodAffinityTerm anti) {
        AffinityBuilder a = new AffinityBuilder();
        if (affinity != null) {
            a.withNewPodAffinity().withRequiredDuringSchedulingIgnoredDuringExecution(affinity).endPodAffinity();
        }
        if (anti != null) {
            a.withNewPodAntiAffinity().withRequiredDuringSchedulingIgnoredDuringExecution(anti).endPodAntiAffinity();
        }
        Affinity built = a.build();
        return pod.editSpec().withAffinity(built).endSpec().build();
    }

    record Case(String name, List<Pod> existing, Pod pod, String node, Status want) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A pod with affinity to db goes to the zone where db runs",
                        List.of(on("a1", app("db", "db"))), withAffinity(app("web", "web"), term("db", "zone"), null),
                        "a2", Status.SUCCESS),
                new Case("A pod with affinity to db does not go to a zone without db",
                        List.of(on("a1", app("db", "db"))), withAffinity(app("web", "web"), term("db", "zone"), null),
                        "b1", AFFINITY),
                new Case("The first pod of a group whose affinity matches itself may go anywhere", List.of(),
                        withAffinity(app("web", "web"), term("web", "zone"), null), "b1", Status.SUCCESS),
                new Case("A pod with affinity to a missing app that it does not match itself fits nowhere", List.of(),
                        withAffinity(app("web", "web"), term("db", "zone"), null), "b1", AFFINITY),
                new Case("A pod with anti-affinity to web avoids web's zone", List.of(on("a1", app("w1", "web"))),
                        withAffinity(app("web", "web"), null, term("web", "zone")), "a2", ANTI),
                new Case("A pod with anti-affinity to web goes to a zone without web",
                        List.of(on("a1", app("w1", "web"))), withAffinity(app("web", "web"), null, term("web", "zone")),
                        "b1", Status.SUCCESS),
                new Case("A placed pod's anti-affinity keeps matching pods out of its zone",
                        List.of(new PodBuilder(withAffinity(app("lonely", "lonely"), null, term("web", "zone")))
                                .editSpec().withNodeName("a1").endSpec().build()),
                        app("web", "web").build(), "a2", EXISTING),
                new Case("Pods in other namespaces do not match a term without namespaces",
                        List.of(on("a1", app("db", "db").editMetadata().withNamespace("other").endMetadata())),
                        withAffinity(app("web", "web"), term("db", "zone"), null), "a1", AFFINITY));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void filter(Case c) {
        var cluster = cluster(nodes(), c.existing());
        assertThat(cluster.filter(new InterPodAffinity(), c.pod(), c.node())).isEqualTo(c.want());
    }

    @Test
    void preferredAffinityScoresTheZoneOfTheMatchingPodsHighest() {
        var cluster = cluster(nodes(), List.of(on("b1", app("cache", "cache"))));
        Affinity a = new AffinityBuilder().withNewPodAffinity().addNewPreferredDuringSchedulingIgnoredDuringExecution()
                .withWeight(10).withPodAffinityTerm(term("cache", "zone"))
                .endPreferredDuringSchedulingIgnoredDuringExecution().endPodAffinity().build();
        Pod pod = app("web", "web").editSpec().withAffinity(a).endSpec().build();
        assertThat(cluster.score(new InterPodAffinity(), pod, "a1", "b1")).containsExactly(0, 100);
    }
}
