package io.outpost.controllers.nodelifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;

class PodReadinessTest {

    static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");
    static final String BEFORE = "2026-01-01T00:00:00Z";

    static PodCondition condition(String type, String status) {
        return new PodConditionBuilder().withType(type).withStatus(status).withLastTransitionTime(BEFORE).build();
    }

    /** {@code readyAfter} null: no change. */
    record Case(String name, List<PodCondition> conditions, String readyAfter) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A ready pod on a node that is not ready becomes not ready",
                        List.of(condition("PodScheduled", "True"), condition("Ready", "True")), "False"),
                new Case("A pod whose Ready is Unknown becomes not ready", List.of(condition("Ready", "Unknown")), "False"),
                new Case("A pod already not ready is not written again", List.of(condition("Ready", "False")), null),
                new Case("A pod without a Ready condition is left alone", List.of(condition("PodScheduled", "True")), null),
                new Case("A pod without status is left alone", null, null));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void marksPodsNotReady(Case c) {
        var marked = PodReadiness.markNotReady(c.conditions(), NOW);
        if (c.readyAfter() == null) {
            assertThat(marked).isEmpty();
            return;
        }
        PodCondition ready = marked.orElseThrow().stream().filter(x -> x.getType().equals("Ready")).findFirst().orElseThrow();
        assertThat(ready.getStatus()).isEqualTo(c.readyAfter());
        assertThat(ready.getLastTransitionTime()).isEqualTo(NOW.toString());
        assertThat(marked.orElseThrow()).hasSameSizeAs(c.conditions());
    }
}
