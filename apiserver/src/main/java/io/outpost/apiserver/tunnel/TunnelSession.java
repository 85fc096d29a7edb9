package io.outpost.apiserver.tunnel;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.UserInfo;
import io.outpost.tunnel.Frame;
import io.outpost.tunnel.FrameCodec;

/**
 * The server's end of one node's tunnel connection: reads the agent's frames and answers them,
 * and runs the node's {@link Downstream} beside.
 *
 * <ul>
 *   <li>The agent must open with {@link Frame.Hello} of the version spoken here, within the
 *       silence timeout; otherwise {@link Frame.Refused} and the connection ends.</li>
 *   <li>Each {@link Frame.Heartbeat} renews the node's Lease and is answered with the
 *       downstream's progress ({@link Frame.HeartbeatAck}): lease renewals cost the link no more
 *       than the heartbeat itself.</li>
 *   <li>Each {@link Frame.Report} is written through the registry ({@link Upstream}) and then
 *       acknowledged; reports arrive in sequence order, so the acks are cumulative.</li>
 *   <li>A connection silent for the configured time is closed (the agent dials again).</li>
 * </ul>
 *
 * <p>Thread model: {@link #run} is the connection's request virtual thread (reads, upstream
 * writes, heartbeat answers); the downstream runs on a second virtual thread. Both send through
 * {@link #send}, serialised by a lock so that each frame is one whole message and a heartbeat
 * answer follows the changes its revision covers. {@link #close} may be called from any thread
 * (a newer connection of the same node replaces this one).
 */
final class TunnelSession implements ApiResponse.DuplexBody {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelSession.class);
    private static final Duration RECEIVE_TICK = Duration.ofSeconds(1);

    private final TunnelConfig config;
    private final String node;
    private final Upstream upstream;
    private final TunnelMetrics.NodeCounters counters;
    /** The server's record of the tokens each agent holds, kept across this node's sessions. */
    private final TokenLedger ledger;
    private final ReentrantLock sending = new ReentrantLock();
    private final LinkedBlockingQueue<Frame.Digest> digests = new LinkedBlockingQueue<>();
    private volatile ApiResponse.DuplexLink link;
    private volatile boolean ending;

    TunnelSession(TunnelConfig config, String node, UserInfo user, TokenLedger ledger) {
        this.config = config;
        this.ledger = ledger;
        this.node = node;
        this.upstream = new Upstream(config.registry(), config.types(), node, user, config.clock());
        this.counters = config.metrics().node(node);
    }

    String node() {
        return node;
    }

    void close() {
        ApiResponse.DuplexLink l = link;
        if (l != null) {
            l.close();
        }
    }

    @Override
    public void run(ApiResponse.DuplexLink link) throws IOException, InterruptedException {
        this.link = link;
        config.metrics().opened(node, link);
        Thread downstreamThread = null;
        try {
            Instant heard = config.clock().instant();
            Frame.Hello hello = null;
            while (hello == null) {
                byte[] message = link.receive(RECEIVE_TICK);
                if (message == null) {
                    if (silent(heard)) {
                        send(new Frame.Refused("no Hello within " + config.silence()));
                        return;
                    }
                    continue;
                }
                counters.framesUp.incrementAndGet();
                if (!(FrameCodec.decode(message) instanceof Frame.Hello h) || h.version() != Frame.Hello.VERSION) {
                    send(new Frame.Refused("the first frame must be Hello version " + Frame.Hello.VERSION));
                    return;
                }
                hello = h;
            }
            LOG.info("node {} connected its tunnel (it has revision {})", node, hello.lastRevision());
            upstream.renewLease();
            long agentRevision = hello.lastRevision();
            Downstream downstream = new Downstream(config.store(), node, this::send, digests, config.pollInterval(),
                    config.tokens().map(t -> new PodTokens(t, node, config.clock(), ledger, agentRevision)));
            Frame.Hello greeting = hello;
            downstreamThread = Thread.ofVirtual().name("tunnel-down-" + node).start(() -> {
                try {
                    downstream.run(greeting.lastRevision(), greeting.held() > 0);
                } catch (IOException | InterruptedException e) {
                    LOG.debug("node {} downstream ended: {}", node, e.toString());
                } catch (RuntimeException e) {
                    if (ending) {
                        LOG.debug("node {} downstream ended with its connection: {}", node, e.toString());
                    } else if (e instanceof io.outpost.store.StoreException.Unavailable) {
                        // Fell behind the store's watch buffer, or the store is closing: the agent
                        // dials again and resumes from its revision.
                        LOG.warn("node {} downstream: {}; closing its tunnel", node, e.getMessage());
                    } else {
                        LOG.error("node {} downstream failed; closing its tunnel", node, e);
                    }
                } finally {
                    link.close();
                }
            });
            converse(link, downstream);
        } catch (FrameCodec.MalformedFrame e) {
            LOG.warn("node {} sent a malformed frame ({}); closing its tunnel", node, e.getMessage());
        } finally {
            ending = true;
            if (downstreamThread != null) {
                downstreamThread.interrupt();
                downstreamThread.join(Duration.ofSeconds(10));
            }
            config.metrics().closed(node, link);
            LOG.info("node {} tunnel closed", node);
        }
    }

    private void converse(ApiResponse.DuplexLink link, Downstream downstream) throws IOException, InterruptedException {
        Instant heard = config.clock().instant();
        while (link.isOpen()) {
            byte[] message = link.receive(RECEIVE_TICK);
            if (message == null) {
                if (silent(heard)) {
                    LOG.warn("node {}: nothing heard for {}; closing its tunnel", node, config.silence());
                    return;
                }
                continue;
            }
            heard = config.clock().instant();
            counters.framesUp.incrementAndGet();
            switch (FrameCodec.decode(message)) {
                case Frame.Heartbeat h -> {
                    upstream.renewLease();
                    send(new Frame.HeartbeatAck(downstream.progress()));
                }
                case Frame.Ack a -> {
                    // The agent persisted up to a.revision(); resumption uses its Hello, so nothing to keep.
                }
                case Frame.Digest d -> digests.offer(d);
                case Frame.Report r -> {
                    try {
                        upstream.apply(r);
                    } catch (tools.jackson.core.JacksonException e) {
                        // Acknowledged anyway: sent again, it would fail again, for ever.
                        LOG.warn("node {}: dropping report {}: its JSON does not decode ({})", node, r.seq(), e.getOriginalMessage());
                    }
                    send(new Frame.ReportAck(r.seq()));
                }
                case Frame.Hello h -> throw new FrameCodec.MalformedFrame("a second Hello");
                case Frame.DigestRequest f -> throw new FrameCodec.MalformedFrame("a server's frame from the agent");
                case Frame.Change f -> throw new FrameCodec.MalformedFrame("a server's frame from the agent");
                case Frame.Touch f -> throw new FrameCodec.MalformedFrame("a server's frame from the agent");
                case Frame.ServiceAccountToken f -> throw new FrameCodec.MalformedFrame("a server's frame from the agent");
                case Frame.Synced f -> throw new FrameCodec.MalformedFrame("a server's frame from the agent");
                case Frame.HeartbeatAck f -> throw new FrameCodec.MalformedFrame("a server's frame from the agent");
                case Frame.ReportAck f -> throw new FrameCodec.MalformedFrame("a server's frame from the agent");
                case Frame.Refused f -> throw new FrameCodec.MalformedFrame("a server's frame from the agent");
            }
        }
    }

    private boolean silent(Instant heard) {
        return !config.clock().instant().isBefore(heard.plus(config.silence()));
    }

    private void send(Frame frame) throws IOException, InterruptedException {
        byte[] bytes = FrameCodec.encode(frame);
        sending.lock();
        try {
            link.write(bytes);
            counters.framesDown.incrementAndGet();
        } finally {
            sending.unlock();
        }
    }
}
