package io.outpost.scheduler.plugins.siteplacement;

import static io.outpost.scheduler.testing.Fixtures.cluster;
import static io.outpost.scheduler.testing.Fixtures.node;
import static io.outpost.scheduler.testing.Fixtures.on;
import static io.outpost.scheduler.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/** Sites s1 and s2 in region r1, s3 in r2; node "bare" has no site. Two pods of the workload run in s1. */
class SitePlacementTest {

    static Node sited(String name, String site, String region) {
        return node(name).editMetadata().addToLabels(Map.of(SitePlacement.SITE_LABEL, site,
                SitePlacement.REGION_LABEL, region)).endMetadata().build();
    }

    static PodBuilder member(String name) {
        return pod(name).editMetadata().addToLabels("app", "cam")
                .withOwnerReferences(new OwnerReference("apps/v1", true, true, "ReplicaSet", "cam-1", "rs-uid"))
                .endMetadata();
    }

    record Case(String name, Pod pod, long[] want) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // raw: n1 (s1,r1) = 2*2 + 2 = 6; n2 (s2,r1) = 0 + 2 = 2; n3 (s3,r2) = 0
                new Case("Spread (the default) prefers a site, then a region, without the workload",
                        member("new").build(), new long[] {0, 67, 100, 0}),
                new Case("Pack prefers the site already holding the workload",
                        member("new").editMetadata().addToAnnotations(SitePlacement.ANNOTATION, "pack").endMetadata()
                                .build(),
                        new long[] {100, 33, 0, 0}),
                new Case("Pods of another controller are another workload",
                        pod("other").editMetadata().addToLabels("app", "cam")
                                .withOwnerReferences(new OwnerReference("apps/v1", true, true, "ReplicaSet", "x", "x-uid"))
                                .endMetadata().build(),
                        new long[] {100, 100, 100, 0}));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void score(Case c) {
        var cluster = cluster(List.of(sited("n1", "s1", "r1"), sited("n2", "s2", "r1"), sited("n3", "s3", "r2"),
                node("bare").build()), List.of(on("n1", member("m1")), on("n1", member("m2"))));
        assertThat(cluster.score(new SitePlacement(), c.pod(), "n1", "n2", "n3", "bare")).containsExactly(c.want());
    }
}
