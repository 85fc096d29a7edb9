package io.outpost.controllers.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.outpost.testing.FakeClock;

class ConditionsTest {

    static final Content EMPTY = new Content(Optional.empty(), List.of(), Map.of(), Map.of(), 0);

    record Case(String name, Content content, String type, String status, String reason, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("With nothing left every condition is False with kube's ok words", EMPTY,
                        "NamespaceContentRemaining", "False", "ContentRemoved", "All content successfully removed"),
                new Case("Remaining instances are counted per resource and group, sorted",
                        new Content(Optional.empty(), List.of(), Map.of("widgets.example.com", 1, "pods.", 2), Map.of(), 30),
                        "NamespaceContentRemaining", "True", "SomeResourcesRemain",
                        "Some resources are remaining: pods. has 2 resource instances, widgets.example.com has 1 resource instances"),
                new Case("Finalizers holding content are counted",
                        new Content(Optional.empty(), List.of(), Map.of("widgets.example.com", 1), Map.of("example.com/hold", 1), 15),
                        "NamespaceFinalizersRemaining", "True", "SomeFinalizersRemain",
                        "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances"),
                new Case("A discovery failure is reported as it came",
                        new Content(Optional.of("Discovery failed for some groups, 1 failing: x/v1: boom"), List.of(), Map.of(), Map.of(), 0),
                        "NamespaceDeletionDiscoveryFailure", "True", "DiscoveryFailed",
                        "Discovery failed for some groups, 1 failing: x/v1: boom"),
                new Case("Several deletion failures are aggregated in brackets",
                        new Content(Optional.empty(), List.of("a failed", "b failed"), Map.of(), Map.of(), 0),
                        "NamespaceDeletionContentFailure", "True", "ContentDeletionFailed",
                        "Failed to delete all resource types, 2 remaining: [a failed, b failed]"),
                new Case("Legacy type parsing never fails here", EMPTY,
                        "NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions",
                        "All legacy kube types successfully parsed"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void writesKubesConditions(Case c) {
        List<NamespaceCondition> conditions = Conditions.next(null, c.content(), Instant.EPOCH);
        assertThat(conditions).hasSize(5);
        assertThat(conditions).filteredOn(x -> x.getType().equals(c.type())).singleElement().satisfies(x -> {
            assertThat(x.getStatus()).isEqualTo(c.status());
            assertThat(x.getReason()).isEqualTo(c.reason());
            assertThat(x.getMessage()).isEqualTo(c.message());
        });
    }

    @Test
    void aConditionKeepsItsTransitionTimeUntilItsStatusChanges() {
        FakeClock clock = new FakeClock();
        Content two = new Content(Optional.empty(), List.of(), Map.of("pods.", 2), Map.of(), 30);
        Content one = new Content(Optional.empty(), List.of(), Map.of("pods.", 1), Map.of(), 30);
        List<NamespaceCondition> first = Conditions.next(null, two, clock.instant());
        clock.advance(Duration.ofSeconds(10));
        List<NamespaceCondition> second = Conditions.next(first, one, clock.instant());
        assertThat(remaining(second).getMessage()).isEqualTo("Some resources are remaining: pods. has 1 resource instances");
        assertThat(remaining(second).getLastTransitionTime()).isEqualTo(remaining(first).getLastTransitionTime());
        clock.advance(Duration.ofSeconds(10));
        List<NamespaceCondition> third = Conditions.next(second, EMPTY, clock.instant());
        assertThat(remaining(third).getStatus()).isEqualTo("False");
        assertThat(remaining(third).getLastTransitionTime()).isEqualTo(clock.instant().toString());
        assertThat(Conditions.next(third, EMPTY, clock.instant())).isEqualTo(third);
    }

    private static NamespaceCondition remaining(List<NamespaceCondition> conditions) {
        return conditions.stream().filter(c -> c.getType().equals("NamespaceContentRemaining")).findFirst().orElseThrow();
    }

    @Test
    void podsBeingDeletedGracefullyAreWaitedForUntilTheirLastGraceEnds() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(Content.podEstimate(now, List.of())).isZero();
        assertThat(Content.podEstimate(now, List.of(now.plusSeconds(30), now.plusSeconds(5)))).isEqualTo(30);
        assertThat(Content.podEstimate(now, List.of(now.minusSeconds(3)))).isEqualTo(1);
    }
}
