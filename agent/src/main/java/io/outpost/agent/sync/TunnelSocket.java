package io.outpost.agent.sync;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import org.java_websocket.WebSocketImpl;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ServerHandshake;

import io.outpost.tunnel.FrameCodec;

/**
 * One connection of the tunnel: a WebSocket (Java-WebSocket, on blocking sockets) over the node's
 * mutual TLS, to {@code wss://HOST:PORT/apis/tunnel.outpost.io/v1/nodes/<node>/connect}, binary
 * messages only. The handshake is a plain RFC 6455 upgrade with no subprotocol and no extension,
 * as the server's tunnel endpoint expects. The server's certificate must name the host of
 * {@code --server} (endpoint identification "HTTPS", as java.net.http and kubelet's client-go
 * check it); pings are answered with pongs by the library; the agent's liveness is its own
 * heartbeat, so the library's own ping timer is off.
 *
 * <p>Back-pressure, downstream: the read thread decodes each whole message and puts it in the
 * sync loop's inbox only when the loop has handled all but {@link #WINDOW} of those before
 * ({@link #handled}); until then it blocks, reads nothing more from the socket, and a burst of
 * changes waits in the socket buffers and then blocks the server's session (which stops reading
 * its channel past its high-water mark), never the agent's memory. Upstream: a send queues the
 * message for the write thread and waits while more than {@link #SEND_WINDOW} are queued
 * unwritten; a server that takes nothing for {@link #IO_TIMEOUT} fails the send.
 *
 * <p>Thread model: Java-WebSocket runs a read thread (which calls the {@code on*} callbacks, one
 * at a time) and a write thread per connection. The sync loop's thread calls {@link #open},
 * {@link #sendMessage}, {@link #handled} and {@link #abort}; {@code abort} may be called from any
 * thread and ends both of the library's threads (it closes the socket).
 */
final class TunnelSocket extends WebSocketClient {

    /** The connect timeout, the time allowed for the upgrade, and for the server to take a message. */
    static final Duration IO_TIMEOUT = Duration.ofSeconds(30);
    /** Messages decoded ahead of the one being handled: the most a batch of changes holds. */
    static final int WINDOW = 32;
    /** Messages queued for the write thread before a send waits. */
    static final int SEND_WINDOW = 64;
    private static final long SEND_POLL_MILLIS = 10;

    /** The connection ended; why. The read thread puts it in the inbox (and the loop's stop, when the agent stops). */
    record Closed(String reason) {
    }

    private final BlockingQueue<Object> inbox;
    private final Semaphore window = new Semaphore(WINDOW);
    private final CountDownLatch settled = new CountDownLatch(1); // opened, or failed before
    private volatile boolean opened;
    private final AtomicBoolean aborted = new AtomicBoolean();
    private volatile Exception failure;

    /**
     * @param uri    the tunnel's {@code wss://} URI
     * @param tls    the node's identity and the cluster CA
     * @param inbox  where whole messages ({@link io.outpost.tunnel.Frame}s) and the {@link Closed} go
     * @param timing times the large messages for {@link LinkBandwidth}
     */
    TunnelSocket(URI uri, SSLContext tls, BlockingQueue<Object> inbox, LinkBandwidth.Timing timing) {
        super(uri, new TimedDraft(timing), null, (int) IO_TIMEOUT.toMillis());
        this.inbox = inbox;
        setSocketFactory(tls.getSocketFactory());
        setConnectionLostTimeout(0); // the sync loop's heartbeats and silence timeout watch the link
        setTcpNoDelay(true); // a message is one write: Nagle would only delay acks and heartbeats
        setDaemon(true);
    }

    /**
     * Dials and waits for the upgrade: true once open, false if {@code stopping} turned true first
     * (a stop does not wait out a slow dial).
     *
     * @throws IOException the dial, the TLS handshake or the upgrade failed, or took longer than {@link #IO_TIMEOUT}
     */
    boolean open(BooleanSupplier stopping) throws IOException, InterruptedException {
        connect();
        // Real time, as the socket's own timeouts: the loop's clock may be a test's fake.
        long deadline = System.nanoTime() + IO_TIMEOUT.toNanos();
        while (!settled.await(100, TimeUnit.MILLISECONDS)) {
            if (stopping.getAsBoolean()) {
                abort();
                return false;
            }
            if (System.nanoTime() - deadline > 0) {
                abort();
                throw new IOException("no answer from the server within " + IO_TIMEOUT);
            }
        }
        if (!opened) {
            abort();
            Exception cause = failure;
            throw new IOException("cannot open the tunnel at " + getURI() + ": " + cause, cause);
        }
        return true;
    }

    /** Sends one binary message; waits while the write thread is {@link #SEND_WINDOW} messages behind. */
    void sendMessage(byte[] message) throws IOException, InterruptedException {
        try {
            send(message);
        } catch (WebsocketNotConnectedException e) {
            throw new IOException("the tunnel is closed", e);
        }
        // Java-WebSocket queues without bound and says nothing when a message is written: the
        // queue's length is the only measure. Waiting is rare (a server that stopped reading).
        BlockingQueue<ByteBuffer> unwritten = ((WebSocketImpl) getConnection()).outQueue;
        long deadline = System.nanoTime() + IO_TIMEOUT.toNanos();
        while (unwritten.size() > SEND_WINDOW) {
            if (!isOpen()) {
                throw new IOException("the tunnel is closed");
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("the server took no data for " + IO_TIMEOUT);
            }
            Thread.sleep(SEND_POLL_MILLIS);
        }
    }

    /** The loop handled {@code messages} of those put in its inbox: the read thread may put as many more. */
    void handled(int messages) {
        window.release(messages);
    }

    /**
     * Ends the connection at once, without a close handshake (as java.net.http's
     * {@code WebSocket.abort}): the socket is reset, the library's threads end, a read thread
     * waiting for room in the inbox is let go.
     */
    void abort() {
        if (aborted.compareAndSet(false, true)) {
            window.release(WINDOW + 1); // more than a read thread waits for
        }
        Socket socket = getSocket();
        if (socket != null) {
            try {
                // No close_notify wait: a write thread blocked on a full send buffer holds the TLS
                // record lock, and a graceful close would wait for it.
                socket.setSoLinger(true, 0);
            } catch (IOException e) {
                // not connected, or already closed
            }
            try {
                socket.close();
            } catch (IOException e) {
                // closed
            }
        }
    }

    @Override
    protected void onSetSSLParameters(SSLParameters parameters) {
        super.onSetSSLParameters(parameters);
        // The library's default, stated here because the tunnel's security rests on it: the
        // server certificate must name the host the agent dialled.
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
        opened = true;
        settled.countDown();
    }

    @Override
    public void onMessage(ByteBuffer message) {
        try {
            window.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (aborted.get()) {
            return;
        }
        byte[] bytes = new byte[message.remaining()];
        message.get(bytes);
        try {
            inbox.offer(FrameCodec.decode(bytes));
        } catch (FrameCodec.MalformedFrame e) {
            inbox.offer(new Closed("a malformed frame from the server: " + e.getMessage()));
        }
    }

    @Override
    public void onMessage(String message) {
        // not ours; ignored
    }

    @Override
    public void onError(Exception error) {
        if (failure == null) {
            failure = error;
        }
        if (opened) {
            inbox.offer(new Closed("the tunnel failed: " + error));
        }
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
        if (!opened) {
            if (failure == null) {
                failure = new IOException(reason.isEmpty() ? "closed with code " + code : reason);
            }
            settled.countDown();
            return;
        }
        inbox.offer(new Closed(remote ? "the server closed the tunnel (" + code + " " + reason + ")"
                : "the tunnel closed (" + code + " " + reason + ")"));
    }

    /**
     * RFC 6455 as Java-WebSocket speaks it, with each read off the socket shown first to
     * {@link FrameParts}, which times the large messages' parts for {@link LinkBandwidth}.
     */
    private static final class TimedDraft extends Draft_6455 {
        private final LinkBandwidth.Timing timing;
        private final FrameParts parts;

        TimedDraft(LinkBandwidth.Timing timing) {
            super(); // no extension, no subprotocol, no frame size limit: as java.net.http dialled
            this.timing = timing;
            this.parts = new FrameParts(timing::part);
        }

        @Override
        public List<Framedata> translateFrame(ByteBuffer buffer) throws InvalidDataException {
            parts.read(buffer, System.nanoTime());
            return super.translateFrame(buffer);
        }

        @Override
        public Draft copyInstance() {
            return new TimedDraft(timing); // the connection's engine takes a copy: one per connection
        }
    }
}
