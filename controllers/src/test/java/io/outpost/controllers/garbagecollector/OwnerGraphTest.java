package io.outpost.controllers.garbagecollector;

import static io.outpost.controllers.garbagecollector.DecisionsTest.node;
import static io.outpost.controllers.garbagecollector.DecisionsTest.owner;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class OwnerGraphTest {

    private final OwnerGraph graph = new OwnerGraph();

    @Test
    void aDependentNamingAnOwnerTheGraphHasNotSeenIsLookedAt() {
        var work = graph.observe(node("p", List.of(owner("rs", true)), false, List.of()));
        assertThat(work.attemptToDelete()).containsExactly("p");
    }

    @Test
    void aDependentOfAKnownOwnerIsLeftAlone() {
        graph.observe(node("rs", List.of(), false, List.of()));
        var work = graph.observe(node("p", List.of(owner("rs", true)), false, List.of()));
        assertThat(work.attemptToDelete()).isEmpty();
        assertThat(graph.dependentsOf("rs")).extracting(n -> n.ref().uid()).containsExactly("p");
    }

    @Test
    void whenAnOwnerGoesEveryDependentIsLookedAt() {
        graph.observe(node("rs", List.of(), false, List.of()));
        graph.observe(node("p1", List.of(owner("rs", true)), false, List.of()));
        graph.observe(node("p2", List.of(owner("rs", true)), false, List.of()));
        assertThat(graph.remove("rs").attemptToDelete()).containsExactlyInAnyOrder("p1", "p2");
    }

    @Test
    void anOwnerDeletedInTheForegroundIsLookedAtWithItsDependentsAndAgainWhenOneGoes() {
        graph.observe(node("rs", List.of(), false, List.of()));
        graph.observe(node("p1", List.of(owner("rs", true)), false, List.of()));
        var work = graph.observe(node("rs", List.of(), true, List.of("foregroundDeletion")));
        assertThat(work.attemptToDelete()).containsExactlyInAnyOrder("rs", "p1");
        assertThat(graph.remove("p1").attemptToDelete()).containsExactly("rs");
    }

    @Test
    void anOwnerDeletedWithTheOrphanFinalizerIsOrphaned() {
        var work = graph.observe(node("rs", List.of(), true, List.of("orphan")));
        assertThat(work.orphan()).containsExactly("rs");
    }

    @Test
    void aReferenceRemovedFromADependentForgetsTheEdge() {
        graph.observe(node("rs", List.of(), false, List.of()));
        graph.observe(node("p", List.of(owner("rs", true)), false, List.of()));
        graph.observe(node("p", List.of(), false, List.of()));
        assertThat(graph.dependentsOf("rs")).isEmpty();
    }
}
