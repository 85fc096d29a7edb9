package io.outpost.scheduler.plugins.linkquality;

import static io.outpost.scheduler.testing.Fixtures.cluster;
import static io.outpost.scheduler.testing.Fixtures.node;
import static io.outpost.scheduler.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LinkQualityTest {

    record Case(String name, String rttMs, String bandwidthKbps, long want) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(new Case("A LAN-grade link (1 ms, 1 Gbit/s) scores 100", "0", "1000000", 100),
                new Case("A 1 Mbit/s link at 100 ms scores the mean of 90 and 50", "100", "1000", 70),
                new Case("A satellite link (600 ms, 64 kbit/s) scores low", "600", "64", 35),
                new Case("An RTT past 1 s scores 0 for its half", "5000", "1000000", 50),
                new Case("A node whose agent has not measured scores a neutral 50", null, null, 50),
                new Case("A malformed annotation counts as unmeasured", "fast", "1000000", 75),
                new Case("A decimal RTT is read", "2.5", "1000000", 100));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void score(Case c) {
        var annotations = new HashMap<String, String>();
        if (c.rttMs() != null) {
            annotations.put(LinkQuality.RTT_ANNOTATION, c.rttMs());
        }
        if (c.bandwidthKbps() != null) {
            annotations.put(LinkQuality.BANDWIDTH_ANNOTATION, c.bandwidthKbps());
        }
        var node = node("n1").editMetadata().withAnnotations(annotations).endMetadata().build();
        assertThat(cluster(List.of(node), List.of()).score(new LinkQuality(), pod("p").build(), "n1"))
                .containsExactly(c.want());
    }
}
