package io.outpost.agent.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the pod workers need from a container runtime, in the shape of CRI's {@code RuntimeService}
 * ({@code k8s.io/cri-api/pkg/apis/runtime/v1/api.proto}): a pod sandbox holds containers; each
 * container is created, started, stopped and removed by id; the runtime reports state and exit
 * code, and writes the container's output to the log path the caller chose, in the CRI log format.
 * A containerd CRI implementation maps one-to-one onto these calls.
 *
 * <p>The runtime keeps its own record of sandboxes and containers (CRI's "the runtime is the source
 * of truth"): after an agent restart {@link #listPodSandboxes()} and {@link #listContainers()} answer
 * what is still there, so the pod workers adopt it instead of recreating it.
 *
 * <p>Thread model: every method may be called from any thread, concurrently for different pods;
 * calls for one pod come from that pod's worker only. Calls may block (process spawn, signals,
 * file I/O) and are made from virtual threads. Expected failures (a container that cannot run)
 * are thrown as {@link RuntimeFailure} with a kubelet waiting reason; nothing else should escape.
 */
public interface ContainerRuntime extends AutoCloseable {

    /** Name and version, as {@code containerRuntimeVersion} shows them ({@code process://0.1.0}). */
    RuntimeInfo info();

    /** Creates and starts a sandbox (CRI {@code RunPodSandbox}); answers its id. */
    String runPodSandbox(SandboxConfig config) throws RuntimeFailure;

    /** Stops a sandbox: its containers are killed without grace (CRI {@code StopPodSandbox}). */
    void stopPodSandbox(String sandboxId);

    /** Removes a stopped sandbox and its containers' records (CRI {@code RemovePodSandbox}). */
    void removePodSandbox(String sandboxId);

    List<SandboxStatus> listPodSandboxes();

    /**
     * The sandboxes whose labels include all of {@code labels} (CRI {@code PodSandboxFilter}'s
     * label selector): a pod worker asks only for its own, so a runtime that must ask for each
     * sandbox's status (containerd) does so for that pod's only, not for every pod at every sync.
     */
    default List<SandboxStatus> listPodSandboxes(java.util.Map<String, String> labels) {
        return listPodSandboxes().stream().filter(s -> s.config().labels().entrySet().containsAll(labels.entrySet())).toList();
    }

    /** Creates a container in a sandbox without starting it (CRI {@code CreateContainer}). */
    String createContainer(String sandboxId, ContainerConfig config) throws RuntimeFailure;

    /** Starts a created container (CRI {@code StartContainer}). */
    void startContainer(String containerId) throws RuntimeFailure;

    /**
     * Stops a container: SIGTERM (or the runtime's equivalent), then SIGKILL after {@code timeout}
     * (CRI {@code StopContainer}). Returns once it has exited; a no-op for one already exited.
     */
    void stopContainer(String containerId, Duration timeout);

    /** Removes an exited container's record (CRI {@code RemoveContainer}); its logs stay. */
    void removeContainer(String containerId);

    /** Every container the runtime knows, in any state, with its latest state. */
    List<ContainerStatus> listContainers();

    /**
     * The containers whose labels include all of {@code labels} (CRI {@code ContainerFilter}'s
     * label selector): a pod worker asks only for its own, so the runtime checks only those.
     */
    List<ContainerStatus> listContainers(java.util.Map<String, String> labels);

    Optional<ContainerStatus> containerStatus(String containerId);

    /**
     * What kubelet's PLEG relists: per pod uid, its sandboxes' and containers' ids and states as
     * one string, so that a container appearing, changing state or going away changes its pod's
     * entry. The default reads the full listings; a runtime may answer from cheaper ones (CRI's
     * list calls carry the states).
     *
     * @param podUidLabel the container label that names its pod's uid
     */
    default java.util.Map<String, String> podStates(String podUidLabel) {
        java.util.Map<String, List<String>> parts = new java.util.HashMap<>();
        for (SandboxStatus s : listPodSandboxes()) {
            parts.computeIfAbsent(s.config().uid(), k -> new java.util.ArrayList<>()).add("s:" + s.id() + ":" + s.ready());
        }
        for (ContainerStatus c : listContainers()) {
            String uid = c.config().labels().get(podUidLabel);
            if (uid != null) {
                parts.computeIfAbsent(uid, k -> new java.util.ArrayList<>()).add("c:" + c.id() + ":" + c.state());
            }
        }
        return joinStates(parts);
    }

    /** Each pod's parts, sorted and joined: the same state always gives the same string. */
    static java.util.Map<String, String> joinStates(java.util.Map<String, List<String>> parts) {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        parts.forEach((uid, list) -> {
            List<String> sorted = new java.util.ArrayList<>(list);
            sorted.sort(null);
            out.put(uid, String.join(",", sorted));
        });
        return out;
    }

    /**
     * Runs a command in a running container's context and waits for it (CRI {@code ExecSync}),
     * used by exec probes and preStop exec hooks. A command that outlives {@code timeout} is
     * killed and reported with {@link ExecResult#timedOut()}.
     */
    ExecResult execSync(String containerId, List<String> command, Duration timeout) throws RuntimeFailure;

    /** Releases what the runtime holds in this process. Containers keep running. */
    @Override
    void close();
}
