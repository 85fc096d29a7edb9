package io.outpost.scheduler.plugins.imagelocality;

import static io.outpost.scheduler.testing.Fixtures.cluster;
import static io.outpost.scheduler.testing.Fixtures.node;
import static io.outpost.scheduler.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;

class ImageLocalityTest {

    static final long MB = 1024 * 1024;

    static Node withImage(String name, String image, long size) {
        return node(name).editStatus().withImages(new ContainerImage(List.of(image), size)).endStatus().build();
    }

    record Case(String name, String podImage, List<Node> nodes, long[] want) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A node without the image scores 0", "app:1", List.of(node("n1").build(), node("n2").build()),
                        new long[] {0, 0}),
                new Case("A node with a big image scores above one without; halved when half the nodes have it",
                        "app:1", List.of(withImage("n1", "app:1", 523 * MB), node("n2").build()),
                        // 523 MB * 1/2 = 261.5 MB; (261.5 - 23) / (1000 - 23) * 100 = 24
                        new long[] {24, 0}),
                new Case("An image under the 23 MB threshold does not count", "app:1",
                        List.of(withImage("n1", "app:1", 10 * MB), node("n2").build()), new long[] {0, 0}),
                new Case("An untagged image means :latest", "app",
                        List.of(withImage("n1", "app:latest", 1000 * MB), withImage("n2", "app:latest", 1000 * MB)),
                        new long[] {100, 100}),
                new Case("A short name matches the docker.io reference the runtime reports", "nginx:1.27",
                        List.of(withImage("n1", "docker.io/library/nginx:1.27", 1000 * MB),
                                withImage("n2", "docker.io/library/nginx:1.27", 1000 * MB)),
                        new long[] {100, 100}));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void score(Case c) {
        var cluster = cluster(c.nodes(), List.of());
        var pod = pod("p").editSpec().editFirstContainer().withImage(c.podImage()).endContainer().endSpec().build();
        assertThat(cluster.score(new ImageLocality(), pod, "n1", "n2")).containsExactly(c.want());
    }
}
