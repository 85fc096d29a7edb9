package io.outpost.agent.sync;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.outpost.agent.state.StatusSink;
import io.outpost.agent.json.AgentJson;
import io.outpost.tunnel.Frame;

/**
 * The {@link StatusSink} of the sync layer. A report first waits in memory, coalesced (one status
 * per pod and one for the node: latest wins, as kubelet's status manager); one writer thread
 * numbers each and persists it in the {@link LocalStore}, then wakes the sync loop to send it if
 * the link is up. What the server has not acknowledged is sent again on the next connection, also
 * after an agent restart.
 *
 * <p>Why a writer thread: every store write is an fsync'd SQLite commit (several milliseconds on
 * an edge disk, 7 ms on the test VM). Written by the pod workers themselves, one at a time under
 * the store's lock, a burst of 100 pods queued hundreds of commits, and each pod's Running waited
 * behind the others' Pending. Now a worker never waits for the disk, and while one report is
 * being written the next ones coalesce, so under load only the latest status of each pod is
 * written and sent, at once, with no fixed tick. The server's acknowledgements are applied by the
 * same thread, between writes ({@link #acknowledged}).
 *
 * <p>What is lost in a crash is only what waited in memory: the pod workers report every pod's
 * status again after a restart; Events are best effort, as in kube.
 *
 * <p>Thread model: the {@link StatusSink} methods and {@link #acknowledged} from any thread, never
 * blocking on I/O; one platform thread ({@code status-writer}, as SQLite's JNI would pin a virtual
 * one) runs {@link #flush}, which tests may also call. {@link #close} writes what waits, then stops.
 */
final class StatusReports implements StatusSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusReports.class);

    private final LocalStore store;
    private final Runnable wake;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Reports not yet written, by coalescing key, oldest first; guarded by lock. */
    private final LinkedHashMap<String, LongFunction<Frame.Report>> waiting = new LinkedHashMap<>();
    private long eventsWaiting; // guarded by lock
    private long nextEvent; // guarded by lock
    private long ackedUpTo; // guarded by lock: the highest sequence number the server acknowledged
    private long ackApplied; // the writer's: what the store has dropped
    private boolean closed; // guarded by lock
    private final ReentrantLock flushing = new ReentrantLock();
    private Thread writer;

    StatusReports(LocalStore store, Runnable wake) {
        this.store = store;
        this.wake = wake;
    }

    /** Starts the writer thread. */
    void start() {
        writer = Thread.ofPlatform().name("status-writer").daemon(true).start(this::run);
    }

    @Override
    public void podStatus(String namespace, String name, String uid, PodStatus status) {
        byte[] json = AgentJson.encode(status);
        add("pod/" + namespace + "/" + name, seq -> new Frame.PodStatus(seq, namespace, name, uid, json));
    }

    @Override
    public void podTerminated(String namespace, String name, String uid) {
        add("terminated/" + namespace + "/" + name + "/" + uid, seq -> new Frame.PodTerminated(seq, namespace, name, uid));
    }

    @Override
    public void nodeStatus(NodeStatus status) {
        byte[] json = AgentJson.encode(status);
        add("node", seq -> new Frame.NodeStatus(seq, json));
    }

    @Override
    public void nodeMetadata(Map<String, String> labels, Map<String, String> annotations) {
        byte[] json = AgentJson.encode(Map.of("labels", new TreeMap<>(labels), "annotations", new TreeMap<>(annotations)));
        add("node-meta", seq -> new Frame.NodeMeta(seq, json));
    }

    @Override
    public void event(Event event) {
        byte[] json = AgentJson.encode(event);
        lock.lock();
        try {
            // Events are never coalesced; past the store's bound the oldest waiting one goes, as there.
            if (eventsWaiting >= LocalStore.MAX_PENDING_EVENTS) {
                Iterator<String> keys = waiting.keySet().iterator();
                while (keys.hasNext()) {
                    if (keys.next().startsWith("event/")) {
                        keys.remove();
                        eventsWaiting--;
                        break;
                    }
                }
            }
            eventsWaiting++;
            waiting.put("event/" + nextEvent++, seq -> new Frame.EventReport(seq, json));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The server has every report numbered up to {@code seq} (acks are cumulative); dropped from the store by the writer. */
    void acknowledged(long seq) {
        lock.lock();
        try {
            if (seq > ackedUpTo) {
                ackedUpTo = seq;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The highest sequence number acknowledged in this process: a stored report up to it is not sent again. */
    long ackedUpTo() {
        lock.lock();
        try {
            return ackedUpTo;
        } finally {
            lock.unlock();
        }
    }

    /** A newer report under the same key replaces the waiting one (moved to the end: it is the newest). */
    private void add(String key, LongFunction<Frame.Report> report) {
        lock.lock();
        try {
            waiting.remove(key);
            waiting.put(key, report);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            lock.lock();
            try {
                while (waiting.isEmpty() && ackedUpTo <= ackApplied && !closed) {
                    changed.await();
                }
                if (closed) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                flush();
            } catch (RuntimeException e) {
                // The store failed (a full disk): what was taken is lost; reports keep coming.
                LOG.warn("cannot persist a status report: {}", e.toString());
            }
        }
    }

    /**
     * Applies the acknowledgements, then writes what waits, in order, each numbered above every
     * report before it (so the sync loop's "sent up to" and the server's cumulative acks hold),
     * waking the sync loop after each; until nothing waits.
     */
    void flush() {
        flushing.lock();
        try {
            while (true) {
                List<Map.Entry<String, LongFunction<Frame.Report>>> batch;
                long acked;
                lock.lock();
                try {
                    batch = new ArrayList<>(waiting.entrySet());
                    waiting.clear();
                    eventsWaiting = 0;
                    acked = ackedUpTo;
                } finally {
                    lock.unlock();
                }
                if (acked > ackApplied) {
                    store.acknowledged(acked);
                    ackApplied = acked;
                }
                if (batch.isEmpty()) {
                    return;
                }
                for (Map.Entry<String, LongFunction<Frame.Report>> e : batch) {
                    store.addReport(e.getKey(), e.getValue());
                    wake.run();
                }
            }
        } finally {
            flushing.unlock();
        }
    }

    /** Writes what waits and stops the writer. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (writer != null) {
            try {
                writer.join(java.time.Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flush();
    }
}
