package io.outpost.agent.node;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.fabric8.kubernetes.api.model.NodeStatus;

/**
 * Reports the node's status to the {@link io.outpost.agent.state.StatusSink} (kubelet's {@code
 * tryUpdateNodeStatus}): sampled every {@code period}, sent when it changed (heartbeat times aside)
 * or when {@code refresh} has passed — the node Lease, not this status, says the node is alive, so
 * an idle edge node spends no bytes on it.
 *
 * <p>The status cannot carry labels and annotations; {@link #labels()} and {@link #annotations()}
 * answer the ones the agent owns (arch, OS, hostname, runtime; link quality, runtime limits), for
 * the sync layer to put on the Node when it registers or patches it.
 *
 * <p>Thread model: {@link #start()} and {@link #close()} from the agent's wiring; reports from one
 * virtual thread; the getters from any thread.
 */
public final class NodeStatusReporter implements AutoCloseable {

    public static final String ARCH_LABEL = "kubernetes.io/arch";
    public static final String OS_LABEL = "kubernetes.io/os";
    public static final String HOSTNAME_LABEL = "kubernetes.io/hostname";
    /** The scheduler's LinkQuality plugin reads these ({@code LinkQuality.RTT_ANNOTATION}, {@code BANDWIDTH_ANNOTATION}). */
    public static final String RTT_ANNOTATION = "link.outpost.io/rtt-ms";
    public static final String BANDWIDTH_ANNOTATION = "link.outpost.io/bandwidth-kbps";

    private final NodeStatusReporterConfig config;
    private final NodeStatusGenerator.Identity identity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private NodeStatus lastSent;
    private Instant lastSentAt;
    private boolean closed;
    private Thread thread;

    public NodeStatusReporter(NodeStatusReporterConfig config) {
        this.config = config;
        this.identity = new NodeStatusGenerator.Identity(HostInfo.hostname(), config.hostIp(), HostInfo.arch(),
                HostInfo.kernelVersion(), HostInfo.osImage(Path.of("/etc/os-release")), HostInfo.machineId(), HostInfo.bootId(),
                config.runtime().runtimeVersion(), config.agentVersion());
    }

    public void start() {
        thread = Thread.ofVirtual().name("node-status").start(this::loop);
    }

    private void loop() {
        while (true) {
            reportNow();
            lock.lock();
            try {
                if (!closed) {
                    wake.awaitNanos(config.period().toNanos());
                }
                if (closed) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    /** The node's status now. */
    public NodeStatus status() {
        lock.lock();
        try {
            return NodeStatusGenerator.build(identity, HostSample.read(config.dataDir()), lastSent, config.clock().instant());
        } finally {
            lock.unlock();
        }
    }

    /** Samples and sends if changed or due; answers whether it sent. */
    public boolean reportNow() {
        NodeStatus now = status();
        Instant at = config.clock().instant();
        lock.lock();
        try {
            boolean changed = !Objects.equals(NodeStatusGenerator.withoutHeartbeats(now), NodeStatusGenerator.withoutHeartbeats(lastSent));
            boolean due = lastSentAt == null || !at.isBefore(lastSentAt.plus(config.refresh()));
            if (!changed && !due) {
                return false;
            }
            lastSent = now;
            lastSentAt = at;
        } finally {
            lock.unlock();
        }
        config.sink().nodeStatus(now);
        return true;
    }

    /** The labels the agent owns on its Node. */
    public Map<String, String> labels() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(ARCH_LABEL, identity.arch());
        out.put(OS_LABEL, "linux");
        out.put(HOSTNAME_LABEL, config.nodeName());
        out.putAll(config.runtime().nodeLabels());
        return out;
    }

    /** The annotations the agent owns on its Node: link quality (when known) and runtime notes. */
    public Map<String, String> annotations() {
        Map<String, String> out = new LinkedHashMap<>(config.runtime().nodeNotes());
        LinkQuality link = config.link().get();
        if (link != null && link.rttMs() >= 0) {
            out.put(RTT_ANNOTATION, Long.toString(link.rttMs()));
        }
        if (link != null && link.bandwidthKbps() >= 0) {
            out.put(BANDWIDTH_ANNOTATION, Long.toString(link.bandwidthKbps()));
        }
        return out;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        if (thread != null) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
