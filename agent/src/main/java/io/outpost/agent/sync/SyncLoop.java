package io.outpost.agent.sync;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p>Back-pressure: java.net.http's WebSocket delivers a message only as requested; this loop
 * keeps at most {@link #WINDOW} messages requested ahead of what it has handled, so a burst of
 * changes waits in the server's socket buffer and, past its high-water mark, blocks the server's
 * session, never the agent's memory. The changes waiting in the inbox are applied as one batch
 * (one commit for all when the store groups them) and acknowledged with one Ack of the last:
 * a burst of pods bound to the node no longer waits for an fsync per pod.
 *
 * <p>Thread model: {@link #run} is the body of one platform thread (SQLite's JNI would pin a
 * virtual one) that does all the work of every connection: the WebSocket listener (on the
 * HttpClient's threads) only hands complete messages to the loop's inbox. {@link #wake} and
 * {@link #stop} may be called from any thread.
 */
final class SyncLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SyncLoop.class);
    private static final Duration IO_TIMEOUT = Duration.ofSeconds(30);
    /** Messages requested ahead of the one being handled: the most a batch of changes holds. */
    static final int WINDOW = 32;
    private static final Object WAKE = new Object();
    private static final Duration REVISION_WRITE_PERIOD = Duration.ofMinutes(1);

    /** The connection ended; why. */
    private record Closed(String reason) {
    }

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
            q.offer(new Closed("the agent is stopping"));
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
        HttpClient client = HttpClient.newBuilder().sslContext(config.tls().get()).connectTimeout(IO_TIMEOUT).build();
        WebSocket ws;
        java.util.concurrent.CompletableFuture<WebSocket> opening = client.newWebSocketBuilder().connectTimeout(IO_TIMEOUT)
                .buildAsync(uri, new Listener(queue, bandwidth.connection()));
        try {
            ws = await(opening);
        } catch (ExecutionException e) {
            client.close();
            throw new java.io.IOException("cannot open the tunnel at " + uri + ": " + e.getCause(), e.getCause());
        }
        if (ws == null) { // stopping
            opening.thenAccept(WebSocket::abort);
            client.close();
            return;
        }
        try {
            connected = true;
            connections.incrementAndGet();
            converse(ws, queue);
        } finally {
            connected = false;
            ws.abort();
            client.close();
            state.saveTouches();
        }
    }

    /** The opened WebSocket, or null if the agent stops first (a close does not wait out a slow dial). */
    private WebSocket await(java.util.concurrent.CompletableFuture<WebSocket> opening) throws Exception {
        long deadline = System.nanoTime() + IO_TIMEOUT.toNanos();
        while (true) {
            try {
                return opening.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (stopped.getCount() == 0) {
                    return null;
                }
                if (System.nanoTime() > deadline) {
                    opening.cancel(true);
                    throw new java.io.IOException("no answer from the server within " + IO_TIMEOUT);
                }
            }
        }
    }

    /** One connection's conversation, until it fails, falls silent or the agent stops. */
    private void converse(WebSocket ws, BlockingQueue<Object> queue) throws Exception {
        Liveness liveness = new Liveness(config.clock(), config.heartbeatInterval(), config.silenceTimeout());
        send(ws, new Frame.Hello(Frame.Hello.VERSION, store.revision(), state.inventory().size()));
        long sentSeq = sendPending(ws, 0);
        while (true) {
            Object item = queue.poll(Math.max(1, liveness.untilNextAction().toMillis()), TimeUnit.MILLISECONDS);
            if (item instanceof Closed closed) {
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
                ws.request(batch.size());
            } else if (item instanceof Frame frame) {
                liveness.heard();
                if (!handle(ws, frame)) {
                    return;
                }
                ws.request(1);
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
    private boolean handle(WebSocket ws, Frame frame) throws Exception {
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
    private long sendPending(WebSocket ws, long sentSeq) throws Exception {
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

    /** One message at a time: java.net.http allows one outstanding send. */
    private static void send(WebSocket ws, Frame frame) throws Exception {
        try {
            ws.sendBinary(ByteBuffer.wrap(FrameCodec.encode(frame)), true).get(IO_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new java.io.IOException("the server took no data for " + IO_TIMEOUT, e);
        }
    }

    /**
     * Hands each complete message to the loop; asks for the next one only for a message's parts,
     * and times the parts as they come off the link ({@link LinkBandwidth}).
     */
    private static final class Listener implements WebSocket.Listener {
        private final BlockingQueue<Object> queue;
        private final LinkBandwidth.Timing timing;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        Listener(BlockingQueue<Object> queue, LinkBandwidth.Timing timing) {
            this.queue = queue;
            this.timing = timing;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(WINDOW);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            timing.part(data.remaining(), last, System.nanoTime());
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            partial.writeBytes(chunk);
            if (!last) {
                webSocket.request(1);
                return null;
            }
            byte[] message = partial.toByteArray();
            partial.reset();
            try {
                queue.offer(FrameCodec.decode(message));
            } catch (FrameCodec.MalformedFrame e) {
                queue.offer(new Closed("a malformed frame from the server: " + e.getMessage()));
            }
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            webSocket.request(1); // not ours; ignored
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            queue.offer(new Closed("the server closed the tunnel (" + statusCode + " " + reason + ")"));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            queue.offer(new Closed("the tunnel failed: " + error));
        }
    }
}
