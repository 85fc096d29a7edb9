package io.outpost.agent.sync;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.outpost.tunnel.Backoff;
import io.outpost.tunnel.Frame;
import io.outpost.tunnel.FrameCodec;
import io.outpost.tunnel.Liveness;

/**
 * The agent's end of the tunnel: dials the server's WebSocket with the node's certificate, says
 * where it stands ({@link Frame.Hello}), applies and acknowledges the downstream changes, sends
 * the waiting reports, heartbeats, and dials again with jittered back-off whenever the link
 * fails or falls silent.
 *
 * <p>Back-pressure: the connection's read thread ({@link TunnelSocket}) blocks, and stops
 * reading the socket, while {@link TunnelSocket#WINDOW} decoded messages wait in the inbox
 * unhandled; this loop lets it go on as it handles them ({@link TunnelSocket#handled}), so a burst
 * of changes waits in the socket buffers and, past its high-water mark, blocks the server's
 * session, never the agent's memory. The changes waiting in the inbox are applied as one batch
 * (one commit for all when the store groups them) and acknowledged with one Ack of the last:
 * a burst of pods bound to the node no longer waits for an fsync per pod.
 *
 * <p>Thread model: {@link #run} is the body of one platform thread (SQLite's JNI would pin a
 * virtual one) that does all the work of every connection: the connection's read thread only
 * decodes whole messages into the loop's inbox (waiting for room, above), and its write thread
 * only writes what this loop sends. {@link #wake} and {@link #stop} may be called from any thread.
 */
final class SyncLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SyncLoop.class);
    private static final Object WAKE = new Object();
    private static final Duration REVISION_WRITE_PERIOD = Duration.ofMinutes(1);

    private final EdgeSyncConfig config;
    private final LocalStore store;
    private final DesiredStateView state;
    private final StatusReports reports;
    private final Backoff backoff;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile BlockingQueue<Object> inbox;
    private volatile boolean connected;
    private final AtomicLong connections = new AtomicLong();
    /** The last heartbeat's round trip, for the scheduler's LinkQuality (-1: none measured yet). */
    private final AtomicLong roundTripMillis = new AtomicLong(-1);
    /** Measured from large downstream messages, kept across connections. */
    private final LinkBandwidth bandwidth = new LinkBandwidth();
    private long heartbeatSentNanos; // the loop thread's
    private java.time.Instant revisionWrittenAt = java.time.Instant.MIN; // the loop thread's

    SyncLoop(EdgeSyncConfig config, LocalStore store, DesiredStateView state) {
        this.config = config;
        this.store = store;
        this.state = state;
        this.reports = new StatusReports(store, this::wake);
        this.backoff = new Backoff(config.backoffInitial(), config.backoffMax(), new java.util.Random());
    }

    /** Where the pod workers and the node reporter send what they observe; this loop sends it on. */
    StatusReports reports() {
        return reports;
    }

    boolean connected() {
        return connected;
    }

    /** The last heartbeat's round trip in milliseconds, or -1 before the first. */
    long roundTripMillis() {
        return roundTripMillis.get();
    }

    /** The link's smoothed downstream bandwidth in kilobits per second, or -1 before the first large message. */
    long bandwidthKbps() {
        return bandwidth.kbps();
    }

    /** How many connections were established so far. */
    long connections() {
        return connections.get();
    }

    /** A report is waiting: send it now if connected. */
    void wake() {
        BlockingQueue<Object> q = inbox;
        if (q != null) {
            q.offer(WAKE);
        }
    }

    void stop() {
        stopped.countDown();
        BlockingQueue<Object> q = inbox;
        if (q != null) {
            q.offer(new TunnelSocket.Closed("the agent is stopping"));
        }
    }

    @Override
    public void run() {
        while (stopped.getCount() > 0) {
            try {
                session();
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                LOG.warn("tunnel to {}: {}", config.server(), e.toString());
            } finally {
                connected = false;
                inbox = null;
            }
            if (stopped.getCount() == 0) {
                return;
            }
            Duration wait = backoff.next();
            LOG.info("tunnel to {} down; dialling again in {} ms", config.server(), wait.toMillis());
            try {
                if (stopped.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void session() throws Exception {
        BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        inbox = queue;
        if (stopped.getCount() == 0) {
            return;
        }
        URI base = config.server();
        URI uri = new URI("wss", null, base.getHost(), base.getPort() == -1 ? 443 : base.getPort(),
                EdgeSyncConfig.connectPath(config.nodeName()), null, null);
        TunnelSocket ws = new TunnelSocket(uri, config.tls().get(), queue, bandwidth.connection());
        try {
            if (!ws.open(() -> stopped.getCount() == 0)) {
                return; // stopping
            }
            connected = true;
            connections.incrementAndGet();
            converse(ws, queue);
        } finally {
            connected = false;
            ws.abort();
            state.saveTouches();
        }
    }

    /** One connection's conversation, until it fails, falls silent or the agent stops. */
    private void converse(TunnelSocket ws, BlockingQueue<Object> queue) throws Exception {
        Liveness liveness = new Liveness(config.clock(), config.heartbeatInterval(), config.silenceTimeout());
        send(ws, new Frame.Hello(Frame.Hello.VERSION, store.revision(), state.inventory().size()));
        long sentSeq = sendPending(ws, 0);
        while (true) {
            Object item = queue.poll(Math.max(1, liveness.untilNextAction().toMillis()), TimeUnit.MILLISECONDS);
            if (item instanceof TunnelSocket.Closed closed) {
                LOG.info("tunnel closed: {}", closed.reason());
                return;
            }
            if (item == WAKE) {
                sentSeq = sendPending(ws, sentSeq);
            } else if (item instanceof Frame.Change first) {
                liveness.heard();
                List<Frame.Change> batch = new ArrayList<>(List.of(first));
                while (queue.peek() instanceof Frame.Change next) {
                    queue.poll();
                    batch.add(next);
                }
                state.applyAll(batch);
                send(ws, new Frame.Ack(batch.getLast().revision())); // acks are cumulative
                ws.handled(batch.size());
            } else if (item instanceof Frame frame) {
                liveness.heard();
                if (!handle(ws, frame)) {
                    return;
                }
                ws.handled(1);
            }
            if (item == null && state.touchesUnsaved()) {
                // Quiet for a while (at most a heartbeat interval): nothing waits behind these
                // commits now.
                state.saveTouches();
            }
            switch (liveness.action()) {
                case SEND_HEARTBEAT -> {
                    send(ws, new Frame.Heartbeat());
                    heartbeatSentNanos = System.nanoTime();
                    liveness.sent();
                }
                case RECONNECT -> {
                    LOG.warn("nothing heard from the server for {}; dialling again", config.silenceTimeout());
                    return;
                }
                case WAIT -> {
                }
            }
        }
    }

    /** @return false to end the connection */
    private boolean handle(TunnelSocket ws, Frame frame) throws Exception {
        switch (frame) {
            case Frame.Change change -> {
                state.apply(change);
                send(ws, new Frame.Ack(change.revision()));
            }
            case Frame.Touch touch -> {
                state.touch(touch);
                send(ws, new Frame.Ack(touch.revision()));
            }
            case Frame.DigestRequest request -> send(ws, new Frame.Digest(state.inventory()));
            case Frame.ServiceAccountToken token -> state.token(token);
            case Frame.Synced synced -> {
                state.saveTouches(); // never a revision stored ahead of the objects it covers
                store.setRevision(synced.revision());
                backoff.reset(); // the link works end to end
            }
            case Frame.HeartbeatAck ack -> {
                if (heartbeatSentNanos != 0) {
                    roundTripMillis.set(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - heartbeatSentNanos));
                    heartbeatSentNanos = 0;
                }
                // Written at most once a minute: an edge disk (an SD card) should not take a write
                // every heartbeat, and a resume point a minute old costs only a longer replay.
                java.time.Instant now = config.clock().instant();
                if (!now.isBefore(revisionWrittenAt.plus(REVISION_WRITE_PERIOD))) {
                    state.saveTouches();
                    store.setRevision(ack.revision());
                    revisionWrittenAt = now;
                }
                backoff.reset();
            }
            // Dropped from the store by the reports' writer, not here: a delete is a commit, and
            // this thread should read the next frame (a new pod) rather than wait for the disk.
            case Frame.ReportAck ack -> reports.acknowledged(ack.seq());
            case Frame.Refused refused -> {
                LOG.warn("the server refused the tunnel: {}", refused.reason());
                return false;
            }
            case Frame.Hello h -> protocolError(h);
            case Frame.Digest d -> protocolError(d);
            case Frame.Ack a -> protocolError(a);
            case Frame.Heartbeat h -> protocolError(h);
            case Frame.Report r -> protocolError(r);
        }
        return true;
    }

    private static void protocolError(Frame frame) {
        throw new IllegalStateException("the server sent a frame only an agent sends: " + frame.getClass().getSimpleName());
    }

    /**
     * Sends the waiting reports numbered above {@code sentSeq} and above what the server has
     * acknowledged (the writer may not have dropped those yet); returns the highest number sent.
     */
    private long sendPending(TunnelSocket ws, long sentSeq) throws Exception {
        long highest = sentSeq;
        long floor = Math.max(sentSeq, reports.ackedUpTo());
        for (Frame.Report report : store.pending()) {
            if (report.seq() > floor) {
                send(ws, report);
                highest = Math.max(highest, report.seq());
            }
        }
        return highest;
    }

    private static void send(TunnelSocket ws, Frame frame) throws Exception {
        ws.sendMessage(FrameCodec.encode(frame));
    }
}
