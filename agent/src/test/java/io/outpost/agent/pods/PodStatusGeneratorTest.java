package io.outpost.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.outpost.agent.runtime.ContainerConfig;
import io.outpost.agent.runtime.ContainerState;
import io.outpost.agent.runtime.ContainerStatus;
import io.outpost.agent.runtime.Resources;
import io.outpost.agent.runtime.SandboxConfig;
import io.outpost.agent.runtime.SandboxStatus;

import org.junit.jupiter.api.Test;

class PodStatusGeneratorTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final SandboxStatus SANDBOX = new SandboxStatus("sb", new SandboxConfig("p", "default", "uid", 0,
            java.nio.file.Path.of("/tmp"), true, Map.of()), true, "10.0.0.5", T0);

    private final Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("default").withUid("uid").endMetadata()
            .withNewSpec().withNodeName("n")
            .addToInitContainers(new ContainerBuilder().withName("init").withImage("i").build())
            .addToContainers(new ContainerBuilder().withName("a").withImage("a").build(), new ContainerBuilder().withName("b").withImage("b").build())
            .addNewReadinessGate().withConditionType("example.com/gate").endReadinessGate()
            .endSpec()
            .withNewStatus().addNewCondition().withType("PodScheduled").withStatus("True").endCondition()
            .addNewCondition().withType("example.com/gate").withStatus("True").endCondition().endStatus()
            .build();

    private static ContainerStatus container(String name, int attempt, ContainerState state, int exitCode) {
        ContainerConfig config = new ContainerConfig(name, attempt, "img", List.of("x"), List.of(), "", Map.of(), List.of(), Resources.NONE,
                java.nio.file.Path.of("/tmp/x"), Map.of());
        return new ContainerStatus(name + attempt, "sb", config, state, T0, T0, state == ContainerState.EXITED ? T0.plusSeconds(5) : null,
                exitCode, state == ContainerState.EXITED ? (exitCode == 0 ? "Completed" : "Error") : "", "");
    }

    private static final PodStatusGenerator.Readiness ALL_READY = new PodStatusGenerator.Readiness() {
        @Override
        public boolean started(String id, Container spec) {
            return true;
        }

        @Override
        public boolean ready(String id, Container spec) {
            return !spec.getName().equals("b") || id.equals("b1");
        }
    };

    private PodStatus build(List<ContainerStatus> containers, Map<String, Waiting> waiting, PodStatus previous, Instant now) {
        return PodStatusGenerator.build(new PodStatusGenerator.Input(pod, containers, SANDBOX, waiting, ALL_READY, previous, now,
                "192.168.1.2", T0, "process", false));
    }

    private static PodCondition condition(PodStatus s, String type) {
        return s.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }

    @Test
    void whileTheInitContainerRunsThePodIsPendingAndNotInitialized() {
        PodStatus s = build(List.of(container("init", 0, ContainerState.RUNNING, 0)), Map.of(), null, T0);
        assertThat(s.getPhase()).isEqualTo("Pending");
        assertThat(condition(s, "Initialized").getStatus()).isEqualTo("False");
        assertThat(condition(s, "Initialized").getReason()).isEqualTo("ContainersNotInitialized");
        assertThat(condition(s, "Initialized").getMessage()).isEqualTo("containers with incomplete status: [init]");
        assertThat(s.getContainerStatuses()).allMatch(c -> c.getState().getWaiting().getReason().equals("PodInitializing"));
        assertThat(condition(s, "PodReadyToStartContainers").getStatus()).isEqualTo("True");
        assertThat(s.getPodIP()).isEqualTo("10.0.0.5");
        assertThat(s.getHostIP()).isEqualTo("192.168.1.2");
    }

    @Test
    void anUnreadyContainerKeepsReadyFalseWithKubeletsMessageAndOtherConditionsAreKept() {
        PodStatus s = build(List.of(container("init", 0, ContainerState.EXITED, 0), container("a", 0, ContainerState.RUNNING, 0),
                container("b", 0, ContainerState.RUNNING, 0)), Map.of(), null, T0);
        assertThat(s.getPhase()).isEqualTo("Running");
        assertThat(condition(s, "Initialized").getStatus()).isEqualTo("True");
        assertThat(condition(s, "ContainersReady").getMessage()).isEqualTo("containers with unready status: [b]");
        assertThat(condition(s, "Ready").getReason()).isEqualTo("ContainersNotReady");
        assertThat(condition(s, "PodScheduled").getStatus()).isEqualTo("True");
        assertThat(s.getConditions()).extracting(PodCondition::getType).containsExactly("PodReadyToStartContainers", "Initialized", "Ready",
                "ContainersReady", "PodScheduled", "example.com/gate");
    }

    @Test
    void aRestartedContainerShowsItsRestartCountAndLastStateAndTransitionTimesHold() {
        PodStatus first = build(List.of(container("init", 0, ContainerState.EXITED, 0), container("a", 0, ContainerState.RUNNING, 0),
                container("b", 0, ContainerState.EXITED, 2)), Map.of("b", new Waiting("CrashLoopBackOff", "back-off 10s")), null, T0);
        var b = first.getContainerStatuses().get(1);
        assertThat(b.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
        assertThat(b.getLastState().getTerminated().getExitCode()).isEqualTo(2);
        assertThat(b.getContainerID()).isEqualTo("process://b0");

        PodStatus second = build(List.of(container("init", 0, ContainerState.EXITED, 0), container("a", 0, ContainerState.RUNNING, 0),
                container("b", 0, ContainerState.EXITED, 2), container("b", 1, ContainerState.RUNNING, 0)), Map.of(), first, T0.plusSeconds(30));
        b = second.getContainerStatuses().get(1);
        assertThat(b.getRestartCount()).isEqualTo(1);
        assertThat(b.getState().getRunning()).isNotNull();
        assertThat(b.getLastState().getTerminated().getReason()).isEqualTo("Error");
        assertThat(condition(second, "Ready").getStatus()).isEqualTo("True");
        assertThat(condition(second, "Ready").getLastTransitionTime()).isEqualTo("2026-01-01T00:00:30Z");
        assertThat(condition(second, "Initialized").getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
    }

    @Test
    void aMissingReadinessGateConditionKeepsThePodUnready() {
        Pod gated = new PodBuilder(pod).editStatus().withConditions().endStatus().build();
        PodStatus s = PodStatusGenerator.build(new PodStatusGenerator.Input(gated, List.of(container("init", 0, ContainerState.EXITED, 0),
                container("a", 0, ContainerState.RUNNING, 0), container("b", 1, ContainerState.RUNNING, 0)), SANDBOX, Map.of(), ALL_READY,
                null, T0, "192.168.1.2", T0, "process", false));
        assertThat(condition(s, "ContainersReady").getStatus()).isEqualTo("True");
        assertThat(condition(s, "Ready").getReason()).isEqualTo("ReadinessGatesNotReady");
        assertThat(condition(s, "Ready").getMessage()).contains("example.com/gate");
    }

    @Test
    void aTerminalPhaseNeverChangesAgain() {
        PodStatus failed = new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Failed").build();
        PodStatus s = build(List.of(container("init", 0, ContainerState.EXITED, 0), container("a", 0, ContainerState.RUNNING, 0),
                container("b", 1, ContainerState.RUNNING, 0)), Map.of(), failed, T0);
        assertThat(s.getPhase()).isEqualTo("Failed");
    }

    @Test
    void qosClassFollowsRequestsAndLimits() {
        assertThat(QosClass.of(pod)).isEqualTo("BestEffort");
        Pod burstable = new PodBuilder(pod).editSpec().editFirstContainer().withNewResources()
                .addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("100m")).endResources().endContainer().endSpec().build();
        assertThat(QosClass.of(burstable)).isEqualTo("Burstable");
    }
}
