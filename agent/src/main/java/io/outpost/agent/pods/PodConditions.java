package io.outpost.agent.pods;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodStatus;

/**
 * The pod conditions kubelet owns ({@code pkg/kubelet/status/generate.go}): PodReadyToStartContainers,
 * Initialized, ContainersReady and Ready, in that order, with kubelet's reasons and messages.
 * Conditions kubelet does not own (PodScheduled, DisruptionTarget, those of readiness gates) are
 * carried over from the pod as the server has it: the agent leaves them alone, but Ready waits for
 * every readiness gate's condition to be True. Sidecars (init containers with {@code restartPolicy:
 * Always}) are initialized once started and count towards ContainersReady. A condition keeps its {@code lastTransitionTime}
 * while its status does not change.
 */
final class PodConditions {

    static final String READY_TO_START = "PodReadyToStartContainers";
    static final String INITIALIZED = "Initialized";
    static final String CONTAINERS_READY = "ContainersReady";
    static final String READY = "Ready";
    private static final Set<String> OWNED = Set.of(READY_TO_START, INITIALIZED, CONTAINERS_READY, READY);

    private PodConditions() {
    }

    static List<PodCondition> build(PodStatusGenerator.Input in, String phase, List<ContainerStatus> inits,
                                    List<ContainerStatus> containers) {
        List<PodCondition> out = new ArrayList<>();
        boolean sandboxReady = in.sandbox() != null && in.sandbox().ready() && !in.terminated();
        out.add(condition(in, READY_TO_START, sandboxReady, null, null));

        Set<String> sidecars = new java.util.HashSet<>();
        if (in.pod().getSpec().getInitContainers() != null) {
            in.pod().getSpec().getInitContainers().stream().filter(PodStatusGenerator::restartable).forEach(c -> sidecars.add(c.getName()));
        }
        List<String> notInitialized = new ArrayList<>();
        for (ContainerStatus s : inits) {
            var t = s.getState().getTerminated();
            if (sidecars.contains(s.getName()) ? !Boolean.TRUE.equals(s.getStarted()) : (t == null || t.getExitCode() != 0)) {
                notInitialized.add(s.getName());
            }
        }
        boolean initialized = notInitialized.isEmpty() || PodStatusGenerator.initialized(in);
        if (initialized) {
            out.add(condition(in, INITIALIZED, true, "Succeeded".equals(phase) && !inits.isEmpty() ? "PodCompleted" : null, null));
        } else {
            out.add(condition(in, INITIALIZED, false, "ContainersNotInitialized",
                    "containers with incomplete status: " + names(notInitialized)));
        }

        List<String> unready = new ArrayList<>();
        for (ContainerStatus s : inits) {
            if (sidecars.contains(s.getName()) && !Boolean.TRUE.equals(s.getReady())) {
                unready.add(s.getName());
            }
        }
        for (ContainerStatus s : containers) {
            if (!Boolean.TRUE.equals(s.getReady())) {
                unready.add(s.getName());
            }
        }
        PodCondition containersReady;
        if ("Succeeded".equals(phase)) {
            containersReady = condition(in, CONTAINERS_READY, false, "PodCompleted", null);
        } else if (!unready.isEmpty()) {
            containersReady = condition(in, CONTAINERS_READY, false, "ContainersNotReady", "containers with unready status: " + names(unready));
        } else {
            containersReady = condition(in, CONTAINERS_READY, true, null, null);
        }

        PodCondition ready;
        List<String> gatesNotReady = gatesNotReady(in);
        if (!"True".equals(containersReady.getStatus())) {
            ready = condition(in, READY, false, containersReady.getReason(), containersReady.getMessage());
        } else if (!gatesNotReady.isEmpty()) {
            ready = condition(in, READY, false, "ReadinessGatesNotReady", String.join("; ", gatesNotReady));
        } else {
            ready = condition(in, READY, true, null, null);
        }
        out.add(ready);
        out.add(containersReady);

        if (in.pod().getStatus() != null && in.pod().getStatus().getConditions() != null) {
            for (PodCondition c : in.pod().getStatus().getConditions()) {
                if (!OWNED.contains(c.getType())) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    private static List<String> gatesNotReady(PodStatusGenerator.Input in) {
        List<String> out = new ArrayList<>();
        List<PodReadinessGate> gates = in.pod().getSpec().getReadinessGates();
        if (gates == null) {
            return out;
        }
        PodStatus server = in.pod().getStatus();
        for (PodReadinessGate gate : gates) {
            PodCondition c = server == null || server.getConditions() == null ? null : server.getConditions().stream()
                    .filter(x -> gate.getConditionType().equals(x.getType())).findFirst().orElse(null);
            if (c == null) {
                out.add("corresponding condition of pod readiness gate \"" + gate.getConditionType() + "\" does not exist.");
            } else if (!"True".equals(c.getStatus())) {
                out.add("the status of pod readiness gate \"" + gate.getConditionType() + "\" is not \"True\", but " + c.getStatus());
            }
        }
        return out;
    }

    private static PodCondition condition(PodStatusGenerator.Input in, String type, boolean status, String reason, String message) {
        String s = status ? "True" : "False";
        String since = PodStatusGenerator.time(in.now());
        PodStatus prev = in.previous();
        if (prev != null && prev.getConditions() != null) {
            for (PodCondition c : prev.getConditions()) {
                if (type.equals(c.getType()) && s.equals(c.getStatus()) && c.getLastTransitionTime() != null) {
                    since = c.getLastTransitionTime();
                }
            }
        }
        return new PodConditionBuilder().withType(type).withStatus(s).withReason(reason).withMessage(message)
                .withLastTransitionTime(since).build();
    }

    /** Kubelet's list format: {@code [a b]}. */
    private static String names(List<String> names) {
        return "[" + String.join(" ", names) + "]";
    }
}
