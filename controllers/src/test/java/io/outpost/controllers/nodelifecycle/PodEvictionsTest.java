package io.outpost.controllers.nodelifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;

class PodEvictionsTest {

    static final Instant ADDED = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant NOW = Instant.parse("2026-01-01T00:01:00Z");
    static final Duration TIMEOUT = Duration.ofMinutes(5);
    static final Taint UNREACHABLE = new Taint("NoExecute", NodeTaints.UNREACHABLE, ADDED.toString(), null);
    static final Taint UNREACHABLE_NS = new Taint("NoSchedule", NodeTaints.UNREACHABLE, null, null);

    static Pod pod(Toleration... tolerations) {
        return new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewSpec().withNodeName("edge-1")
                .withTolerations(tolerations).endSpec().build();
    }

    static Toleration toleration(String key, String operator, String effect, Long seconds) {
        return new Toleration(effect, key, operator, seconds, null);
    }

    record Case(String name, Pod pod, List<Taint> taints, String deadline) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A pod without tolerations is evicted the node's timeout after the taint", pod(), List.of(UNREACHABLE),
                        "2026-01-01T00:05:00Z"),
                new Case("A pod tolerating the taint for 60 s is evicted 60 s after it",
                        pod(toleration(NodeTaints.UNREACHABLE, "Exists", "NoExecute", 60L)), List.of(UNREACHABLE), "2026-01-01T00:01:00Z"),
                new Case("A pod tolerating it for longer than the timeout stays longer",
                        pod(toleration(NodeTaints.UNREACHABLE, "Exists", "NoExecute", 3600L)), List.of(UNREACHABLE), "2026-01-01T01:00:00Z"),
                new Case("The smallest tolerationSeconds of matching tolerations wins",
                        pod(toleration(NodeTaints.UNREACHABLE, "Exists", "NoExecute", 600L), toleration("", "Exists", "", 120L)),
                        List.of(UNREACHABLE), "2026-01-01T00:02:00Z"),
                new Case("A pod tolerating the taint without tolerationSeconds is never evicted",
                        pod(toleration(NodeTaints.UNREACHABLE, "Exists", "NoExecute", null)), List.of(UNREACHABLE), null),
                new Case("A toleration for another taint does not count",
                        pod(toleration(NodeTaints.NOT_READY, "Exists", "NoExecute", 10L)), List.of(UNREACHABLE), "2026-01-01T00:05:00Z"),
                new Case("A toleration for another effect does not count",
                        pod(toleration(NodeTaints.UNREACHABLE, "Exists", "NoSchedule", null)), List.of(UNREACHABLE), "2026-01-01T00:05:00Z"),
                new Case("A negative tolerationSeconds evicts at once",
                        pod(toleration(NodeTaints.UNREACHABLE, "Exists", "NoExecute", -5L)), List.of(UNREACHABLE), ADDED.toString()),
                new Case("Only a NoSchedule taint evicts nothing", pod(), List.of(UNREACHABLE_NS), null),
                new Case("A NoExecute taint that is not the controller's is left to taint eviction", pod(),
                        List.of(new Taint("NoExecute", "dedicated", ADDED.toString(), null)), null));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void deadline(Case c) {
        assertThat(PodEvictions.deadline(c.pod(), c.taints(), TIMEOUT, NOW))
                .isEqualTo(Optional.ofNullable(c.deadline()).map(Instant::parse));
    }
}
