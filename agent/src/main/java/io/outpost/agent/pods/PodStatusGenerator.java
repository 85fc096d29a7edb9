package io.outpost.agent.pods;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.outpost.agent.runtime.ContainerState;
import io.outpost.agent.runtime.ContainerStatus;
import io.outpost.agent.runtime.SandboxStatus;

/**
 * A pod's status as kubelet generates it ({@code kubelet_pods.go generateAPIPodStatus},
 * {@code convertToAPIContainerStatuses}, {@code getPhase}); conditions as {@code pkg/kubelet/status}
 * generates them). A pure function of what the runtime and the probes say; {@link PodConditions}
 * holds the condition half.
 *
 * <p>Thread model: stateless.
 */
final class PodStatusGenerator {

    /** What the probes say about a running container. */
    interface Readiness {
        boolean started(String containerId, Container spec);

        boolean ready(String containerId, Container spec);
    }

    /**
     * @param containers  the runtime's containers of this pod, any state
     * @param waiting     why a container (by name) is not running, where the worker knows better than
     *                    the runtime (back-off, config error)
     * @param previous    the status last reported, for condition transition times and terminal phases
     * @param terminated  the pod is being deleted and its containers have stopped: its phase becomes
     *                    terminal (kubelet since 1.27)
     */
    record Input(Pod pod, List<ContainerStatus> containers, SandboxStatus sandbox, Map<String, Waiting> waiting,
                 Readiness readiness, PodStatus previous, Instant now, String hostIp, Instant startTime,
                 String runtimeName, boolean terminated) {
    }

    private PodStatusGenerator() {
    }

    static PodStatus build(Input in) {
        Pod pod = in.pod();
        List<Container> inits = pod.getSpec().getInitContainers() == null ? List.of() : pod.getSpec().getInitContainers();
        boolean initialized = initialized(in);
        List<io.fabric8.kubernetes.api.model.ContainerStatus> initStatuses = new ArrayList<>();
        for (Container c : inits) {
            initStatuses.add(containerStatus(in, c, Waiting.POD_INITIALIZING));
        }
        List<io.fabric8.kubernetes.api.model.ContainerStatus> statuses = new ArrayList<>();
        for (Container c : pod.getSpec().getContainers()) {
            statuses.add(containerStatus(in, c, initialized ? Waiting.CONTAINER_CREATING : Waiting.POD_INITIALIZING));
        }
        Set<String> sidecars = new java.util.HashSet<>();
        inits.stream().filter(PodStatusGenerator::restartable).forEach(c -> sidecars.add(c.getName()));
        String phase = phase(pod.getSpec().getRestartPolicy(), initStatuses, sidecars, statuses);
        String previousPhase = in.previous() == null ? null : in.previous().getPhase();
        if ("Succeeded".equals(previousPhase) || "Failed".equals(previousPhase)) {
            phase = previousPhase; // a terminal phase never changes again
        } else if (in.terminated() && !phase.equals("Succeeded") && !phase.equals("Failed")) {
            boolean allSucceeded = statuses.stream().allMatch(s -> s.getState().getTerminated() != null
                    && s.getState().getTerminated().getExitCode() == 0);
            phase = allSucceeded ? "Succeeded" : "Failed";
        }
        String ip = in.sandbox() != null && in.sandbox().ready() ? in.sandbox().ip() : null;
        List<PodCondition> conditions = PodConditions.build(in, phase, initStatuses, statuses);
        return new PodStatusBuilder()
                .withPhase(phase)
                .withConditions(conditions)
                .withHostIP(in.hostIp())
                .withHostIPs(new HostIP(in.hostIp()))
                .withPodIP(ip)
                .withPodIPs(ip == null ? List.of() : List.of(new PodIP(ip)))
                .withStartTime(in.startTime() == null ? null : in.startTime().toString())
                .withQosClass(QosClass.of(pod))
                .withInitContainerStatuses(initStatuses)
                .withContainerStatuses(statuses)
                .build();
    }

    /** Initialized: every init container completed, or a regular container has already run. */
    static boolean initialized(Input in) {
        List<Container> inits = in.pod().getSpec().getInitContainers() == null ? List.of() : in.pod().getSpec().getInitContainers();
        Set<String> regular = new java.util.HashSet<>();
        in.pod().getSpec().getContainers().forEach(c -> regular.add(c.getName()));
        if (in.containers().stream().anyMatch(c -> regular.contains(c.name()))) {
            return true;
        }
        for (Container c : inits) {
            ContainerStatus latest = latest(in.containers(), c.getName());
            if (restartable(c)) {
                if (latest == null || !latest.running() || !in.readiness().started(latest.id(), c)) {
                    return false;
                }
            } else if (latest == null || latest.state() != ContainerState.EXITED || latest.exitCode() != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * A sidecar: an init container with {@code restartPolicy: Always} (KEP-753). It counts as
     * initialized once started, keeps running beside the containers, and is always restarted.
     */
    static boolean restartable(Container c) {
        return "Always".equals(c.getRestartPolicy());
    }

    /** The runtime's newest container of that name (highest attempt), or null. */
    static ContainerStatus latest(List<ContainerStatus> all, String name) {
        return all.stream().filter(c -> c.name().equals(name)).max(Comparator.comparingInt(ContainerStatus::attempt)).orElse(null);
    }

    private static ContainerStatus previous(List<ContainerStatus> all, String name, int beforeAttempt) {
        return all.stream().filter(c -> c.name().equals(name) && c.attempt() < beforeAttempt && c.state() == ContainerState.EXITED)
                .max(Comparator.comparingInt(ContainerStatus::attempt)).orElse(null);
    }

    private static io.fabric8.kubernetes.api.model.ContainerStatus containerStatus(Input in, Container spec, String defaultReason) {
        ContainerStatus latest = latest(in.containers(), spec.getName());
        Waiting waiting = in.waiting().get(spec.getName());
        ContainerStatusBuilder b = new ContainerStatusBuilder()
                .withName(spec.getName())
                .withImage(spec.getImage())
                .withImageID("")
                .withReady(false)
                .withStarted(false)
                .withRestartCount(latest == null ? 0 : latest.attempt());
        if (latest == null) {
            Waiting w = waiting != null ? waiting : new Waiting(defaultReason, null);
            return b.withState(new ContainerStateBuilder().withNewWaiting().withReason(w.reason()).withMessage(w.message()).endWaiting().build())
                    .withLastState(new ContainerStateBuilder().build())
                    .build();
        }
        b.withContainerID(in.runtimeName() + "://" + latest.id());
        ContainerStatus prev = previous(in.containers(), spec.getName(), latest.attempt());
        switch (latest.state()) {
            case RUNNING -> {
                b.withState(new ContainerStateBuilder().withNewRunning().withStartedAt(time(latest.startedAt())).endRunning().build());
                b.withLastState(prev == null ? new ContainerStateBuilder().build() : new ContainerStateBuilder().withTerminated(terminated(in, prev)).build());
                b.withStarted(in.readiness().started(latest.id(), spec));
                b.withReady(in.readiness().ready(latest.id(), spec));
            }
            case EXITED -> {
                if (waiting != null) {
                    b.withState(new ContainerStateBuilder().withNewWaiting().withReason(waiting.reason()).withMessage(waiting.message()).endWaiting().build());
                    b.withLastState(new ContainerStateBuilder().withTerminated(terminated(in, latest)).build());
                } else {
                    b.withState(new ContainerStateBuilder().withTerminated(terminated(in, latest)).build());
                    b.withLastState(prev == null ? new ContainerStateBuilder().build() : new ContainerStateBuilder().withTerminated(terminated(in, prev)).build());
                }
            }
            default -> {
                Waiting w = waiting != null ? waiting : new Waiting(Waiting.CONTAINER_CREATING, null);
                b.withState(new ContainerStateBuilder().withNewWaiting().withReason(w.reason()).withMessage(w.message()).endWaiting().build());
                b.withLastState(prev == null ? new ContainerStateBuilder().build() : new ContainerStateBuilder().withTerminated(terminated(in, prev)).build());
            }
        }
        return b.build();
    }

    private static ContainerStateTerminated terminated(Input in, ContainerStatus c) {
        return new ContainerStateTerminatedBuilder()
                .withExitCode(c.exitCode())
                .withReason(c.reason())
                .withMessage(c.message() == null || c.message().isEmpty() ? null : c.message())
                .withStartedAt(time(c.startedAt()))
                .withFinishedAt(time(c.finishedAt()))
                .withContainerID(in.runtimeName() + "://" + c.id())
                .build();
    }

    /**
     * Kubelet's {@code getPhase}: failed init with restartPolicy Never fails the pod; pending init
     * or a container waiting for its first start keeps it Pending; a running container makes it
     * Running; when all have stopped, restartPolicy decides between Running (they restart),
     * Succeeded and Failed.
     */
    static String phase(String restartPolicy, List<io.fabric8.kubernetes.api.model.ContainerStatus> inits, Set<String> sidecars,
                        List<io.fabric8.kubernetes.api.model.ContainerStatus> containers) {
        String policy = restartPolicy == null ? "Always" : restartPolicy;
        boolean pendingInit = false;
        boolean pendingSidecar = false;
        boolean failedInit = false;
        for (var s : inits) {
            var st = s.getState();
            if (sidecars.contains(s.getName())) {
                // a sidecar is pending until it has started; once it ran, its restarts do not matter
                if (st.getRunning() != null) {
                    pendingSidecar |= !Boolean.TRUE.equals(s.getStarted());
                } else if (st.getTerminated() == null && (s.getLastState() == null || s.getLastState().getTerminated() == null)) {
                    pendingSidecar = true;
                }
            } else if (st.getTerminated() != null) {
                if (st.getTerminated().getExitCode() != 0) {
                    failedInit = true;
                }
            } else if (st.getWaiting() != null && s.getLastState() != null && s.getLastState().getTerminated() != null) {
                if (s.getLastState().getTerminated().getExitCode() != 0) {
                    failedInit = true;
                }
            } else {
                pendingInit = true;
            }
        }
        int running = 0;
        int waiting = 0;
        int stopped = 0;
        int succeeded = 0;
        for (var s : containers) {
            var st = s.getState();
            if (st.getRunning() != null) {
                running++;
            } else if (st.getTerminated() != null) {
                stopped++;
                if (st.getTerminated().getExitCode() == 0) {
                    succeeded++;
                }
            } else if (st.getWaiting() != null) {
                if (s.getLastState() != null && s.getLastState().getTerminated() != null) {
                    stopped++;
                } else {
                    waiting++;
                }
            }
        }
        if (failedInit && policy.equals("Never")) {
            return "Failed";
        }
        if (pendingInit || waiting > 0 || (pendingSidecar && running + stopped == 0)) {
            return "Pending";
        }
        if (running > 0) {
            return "Running";
        }
        if (stopped > 0) {
            if (policy.equals("Always")) {
                return "Running";
            }
            if (stopped == succeeded) {
                return "Succeeded";
            }
            if (policy.equals("Never")) {
                return "Failed";
            }
            return "Running";
        }
        return "Pending";
    }

    static String time(Instant t) {
        return t == null ? null : t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }
}
