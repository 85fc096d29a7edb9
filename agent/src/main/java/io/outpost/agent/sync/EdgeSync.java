package io.outpost.agent.sync;

import java.io.IOException;

import io.outpost.agent.state.DesiredState;
import io.outpost.agent.state.StatusSink;

/**
 * The agent's sync layer: the tunnel client and the local store. Started once per agent with
 * {@link #start}; the pod workers read {@link #desiredState()} and report to
 * {@link #statusSink()}; {@link #close} stops it.
 *
 * <ul>
 *   <li>Downstream: the node's projection (its Node, its pods, the ConfigMaps and Secrets they
 *       reference) arrives as changes, each persisted in {@code DATA_DIR/sync.db} before it is
 *       acknowledged. After a restart, with or without a link, {@link #desiredState()} answers
 *       from that store at once (edge autonomy).</li>
 *   <li>Upstream: reports are persisted and sent when the link is up, coalesced (latest status
 *       wins), and sent again after a reconnect or restart until the server acknowledges them.
 *       The node's Lease is renewed by the server on each heartbeat; the first node status
 *       registers the Node if it does not exist.</li>
 *   <li>A change of nothing but a pod's or the Node's status (most often this agent's own report
 *       coming back) is not carried: the objects of {@link #desiredState()} keep the status they
 *       had when last sent in full. Status is the pod workers' to observe.</li>
 *   <li>Service-account tokens for the pods' projected volumes arrive after their pod (the
 *       server mints them for the node, as kubelet would ask for them, and sends fresh ones
 *       before they grow old); each is persisted in the local store, replacing the older one, and
 *       dropped with its pod. They are secrets: never logged. Offline, the agent keeps using the
 *       last ones (the projected volume's own token, 3607 s, is valid for a year: kube's extended
 *       expiry).</li>
 * </ul>
 *
 * <p>Thread model: one platform thread, {@code edge-sync}, runs the connection loop
 * ({@link SyncLoop}); another, {@code status-writer}, persists the reports ({@link StatusReports}). {@link #desiredState()} and {@link #statusSink()} may be used from any
 * thread. {@link #close} is idempotent: it stops the loop, waits for it, and closes the store.
 */
public final class EdgeSync implements AutoCloseable {

    private final LocalStore store;
    private final DesiredStateView state;
    private final StatusReports reports;
    private final SyncLoop loop;
    private final Thread thread;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private EdgeSync(LocalStore store, DesiredStateView state, SyncLoop loop) {
        this.store = store;
        this.state = state;
        this.loop = loop;
        this.reports = loop.reports();
        this.thread = Thread.ofPlatform().name("edge-sync").daemon(true).unstarted(loop);
    }

    /**
     * Opens the local store and starts dialling the server; returns at once (the link comes up in
     * the background, and may stay down for as long as the server is unreachable).
     *
     * @throws IOException naming the data dir, if the store cannot be opened there
     */
    public static EdgeSync start(EdgeSyncConfig config) throws IOException {
        LocalStore store = LocalStore.open(config.dataDir());
        try {
            DesiredStateView state = new DesiredStateView(store);
            EdgeSync sync = new EdgeSync(store, state, new SyncLoop(config, store, state));
            sync.reports.start();
            sync.thread.start();
            return sync;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The node's desired state as last persisted. */
    public DesiredState desiredState() {
        return state;
    }

    /** Where observed status and events go. */
    public StatusSink statusSink() {
        return reports;
    }

    /** Whether the tunnel is up right now. */
    public boolean connected() {
        return loop.connected();
    }

    /** The store revision up to which this agent has every change of its projection. */
    public long revision() {
        return store.revision();
    }

    /** The link's last measured round trip (a heartbeat and its answer) in milliseconds, or -1 before the first. */
    public long roundTripMillis() {
        return loop.roundTripMillis();
    }

    /**
     * The link's downstream bandwidth in kilobits per second, smoothed over the large messages
     * the server sent ({@link LinkBandwidth}), or -1 before the first.
     */
    public long bandwidthKbps() {
        return loop.bandwidthKbps();
    }

    /** How many times a connection was established since {@link #start}. */
    public long connections() {
        return loop.connections();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        loop.stop();
        try {
            thread.join(java.time.Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reports.close(); // what still waits in memory is written for the next run to send
        store.close();
    }
}
