package io.outpost.controllers.garbagecollector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.outpost.controllers.garbagecollector.Decisions.Decision;
import io.outpost.controllers.garbagecollector.Decisions.OwnerState;

class DecisionsTest {

    static final ResourceDefinitionContext PODS = new ResourceDefinitionContext.Builder().withGroup("").withVersion("v1")
            .withKind("Pod").withPlural("pods").withNamespaced(true).build();

    static OwnerReference owner(String uid, boolean block) {
        return new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet").withName("rs-" + uid)
                .withUid(uid).withBlockOwnerDeletion(block).withController(true).build();
    }

    static Node node(String uid, List<OwnerReference> owners, boolean deleting, List<String> finalizers) {
        return new Node(new ObjectRef(PODS, "ns", "pod-" + uid, uid), owners, deleting, finalizers);
    }

    record Case(String name, Node item, Map<String, OwnerState> owners, boolean hasDependents, Decision expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> dependents() {
        return Stream.of(
                new Case("An object without owners is kept", node("p", List.of(), false, List.of()), Map.of(), false,
                        new Decisions.Keep()),
                new Case("An object whose one owner exists is kept",
                        node("p", List.of(owner("a", true)), false, List.of()), Map.of("a", OwnerState.SOLID), false,
                        new Decisions.Keep()),
                new Case("An object whose only owner is gone is deleted in the background",
                        node("p", List.of(owner("a", true)), false, List.of()), Map.of("a", OwnerState.ABSENT), false,
                        new Decisions.Delete("Background")),
                new Case("An object with one owner gone and one there loses only the dangling reference",
                        node("p", List.of(owner("a", true), owner("b", false)), false, List.of()),
                        Map.of("a", OwnerState.ABSENT, "b", OwnerState.SOLID), false,
                        new Decisions.RemoveReferences(Set.of("a"))),
                new Case("An object whose owner waits in the foreground, with another owner there, loses the waiting reference",
                        node("p", List.of(owner("a", true), owner("b", false)), false, List.of()),
                        Map.of("a", OwnerState.WAITING, "b", OwnerState.SOLID), false,
                        new Decisions.RemoveReferences(Set.of("a"))),
                new Case("An object whose owner waits and which has dependents itself is deleted in the foreground",
                        node("p", List.of(owner("a", true)), false, List.of()), Map.of("a", OwnerState.WAITING), true,
                        new Decisions.Delete("Foreground")),
                new Case("An object whose owner waits and which has no dependents is deleted in the background",
                        node("p", List.of(owner("a", true)), false, List.of()), Map.of("a", OwnerState.WAITING), false,
                        new Decisions.Delete("Background")),
                new Case("An object already being deleted is left to its deletion",
                        node("p", List.of(owner("a", true)), true, List.of()), Map.of("a", OwnerState.ABSENT), false,
                        new Decisions.Keep()),
                new Case("An orphaned dependent whose owner is gone and which carries the orphan finalizer is deleted orphaning",
                        node("p", List.of(owner("a", true)), false, List.of("orphan")), Map.of("a", OwnerState.ABSENT), false,
                        new Decisions.Delete("Orphan")));
    }

    @ParameterizedTest
    @MethodSource("dependents")
    void aDependent(Case c) {
        assertThat(Decisions.forDependent(c.item(), c.owners(), c.hasDependents())).isEqualTo(c.expected());
    }

    record OwnerCase(String name, List<Node> dependents, Decision expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final Node OWNER = node("o", List.of(), true, List.of("foregroundDeletion"));
    static final Node BLOCKING = node("b", List.of(owner("o", true)), false, List.of());
    static final Node NON_BLOCKING = node("n", List.of(owner("o", false)), false, List.of());

    static Stream<OwnerCase> waitingOwners() {
        return Stream.of(
                new OwnerCase("An owner with no dependents left loses its foregroundDeletion finalizer", List.of(),
                        new Decisions.RemoveFinalizer("foregroundDeletion")),
                new OwnerCase("An owner whose dependents do not block it loses its finalizer", List.of(NON_BLOCKING),
                        new Decisions.RemoveFinalizer("foregroundDeletion")),
                new OwnerCase("An owner waits for its blocking dependents only", List.of(BLOCKING, NON_BLOCKING),
                        new Decisions.AwaitDependents(List.of(BLOCKING))));
    }

    @ParameterizedTest
    @MethodSource("waitingOwners")
    void anOwnerDeletedInTheForeground(OwnerCase c) {
        assertThat(Decisions.forWaitingOwner(OWNER, c.dependents())).isEqualTo(c.expected());
    }
}
