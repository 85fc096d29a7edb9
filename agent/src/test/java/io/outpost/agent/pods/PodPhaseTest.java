package io.outpost.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Kubelet's {@code getPhase} as a table. */
class PodPhaseTest {

    record Case(String name, String policy, List<ContainerStatus> inits, List<ContainerStatus> containers, String phase, Set<String> sidecars) {
        Case(String name, String policy, List<ContainerStatus> inits, List<ContainerStatus> containers, String phase) {
            this(name, policy, inits, containers, phase, Set.of());
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static ContainerStatus running() {
        return new ContainerStatusBuilder().withName("c").withState(new ContainerStateBuilder().withNewRunning().endRunning().build()).build();
    }

    static ContainerStatus exited(int code) {
        return new ContainerStatusBuilder().withName("c")
                .withState(new ContainerStateBuilder().withNewTerminated().withExitCode(code).endTerminated().build()).build();
    }

    static ContainerStatus waiting() {
        return new ContainerStatusBuilder().withName("c").withState(new ContainerStateBuilder().withNewWaiting().withReason("ContainerCreating")
                .endWaiting().build()).withLastState(new ContainerStateBuilder().build()).build();
    }

    static ContainerStatus backingOff(int lastCode) {
        return new ContainerStatusBuilder().withName("c")
                .withState(new ContainerStateBuilder().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().build())
                .withLastState(new ContainerStateBuilder().withNewTerminated().withExitCode(lastCode).endTerminated().build()).build();
    }

    static ContainerStatus named(ContainerStatus s, String name, boolean started) {
        return new ContainerStatusBuilder(s).withName(name).withStarted(started).build();
    }

    static Case[] cases() {
        return new Case[] {
            new Case("A pod whose containers wait for their first start is Pending", "Always", List.of(), List.of(waiting(), waiting()), "Pending"),
            new Case("A pod with one container running and one waiting is Pending", "Always", List.of(), List.of(running(), waiting()), "Pending"),
            new Case("A pod with all containers running is Running", "Always", List.of(), List.of(running(), running()), "Running"),
            new Case("A pod with one running and one exited container is Running", "Never", List.of(), List.of(running(), exited(1)), "Running"),
            new Case("A crash-looping container keeps its pod Running", "Always", List.of(), List.of(backingOff(1)), "Running"),
            new Case("Exited containers of a restartPolicy Always pod are restarting: Running", "Always", List.of(), List.of(exited(0)), "Running"),
            new Case("All containers succeeded with OnFailure: Succeeded", "OnFailure", List.of(), List.of(exited(0), exited(0)), "Succeeded"),
            new Case("A failed container with OnFailure is being restarted: Running", "OnFailure", List.of(), List.of(exited(0), exited(2)), "Running"),
            new Case("All containers succeeded with Never: Succeeded", "Never", List.of(), List.of(exited(0)), "Succeeded"),
            new Case("A failed container with Never fails the pod", "Never", List.of(), List.of(exited(0), exited(1)), "Failed"),
            new Case("A running init container keeps the pod Pending", "Always", List.of(running()), List.of(waiting()), "Pending"),
            new Case("An init container not yet started keeps the pod Pending", "Always", List.of(waiting()), List.of(waiting()), "Pending"),
            new Case("A failed init container with Never fails the pod", "Never", List.of(exited(1)), List.of(waiting()), "Failed"),
            new Case("A crash-looping init container with Always keeps the pod Pending", "Always", List.of(backingOff(1)), List.of(waiting()), "Pending"),
            new Case("Completed init containers let the containers decide", "Always", List.of(exited(0), exited(0)), List.of(running()), "Running"),
            new Case("A pod without container statuses is Pending", "Always", List.of(), List.of(), "Pending"),
            new Case("A sidecar running but not started keeps the pod Pending", "Always", List.of(named(running(), "side", false)),
                    List.of(waiting()), "Pending", Set.of("side")),
            new Case("A started sidecar and running containers: Running", "Always", List.of(named(running(), "side", true)),
                    List.of(running()), "Running", Set.of("side")),
            new Case("A crash-looping sidecar does not fail a Never pod", "Never", List.of(named(backingOff(1), "side", false)),
                    List.of(running()), "Running", Set.of("side")),
            new Case("Containers done with Never: Succeeded whatever the sidecar does", "Never", List.of(named(running(), "side", true)),
                    List.of(exited(0)), "Succeeded", Set.of("side")),
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void phase(Case c) {
        assertThat(PodStatusGenerator.phase(c.policy(), c.inits(), c.sidecars(), c.containers())).isEqualTo(c.phase());
    }
}
