package io.outpost.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on loopback standing for an edge node's link: the agent dials the proxy, the proxy
 * dials the server. {@link #cut} drops every connection and refuses new ones (the link is down,
 * the server keeps running); {@link #restore} lets connections through again. Counts the bytes it
 * relays in each direction (TLS records as they are on the wire). {@link #throttleDownstream} makes
 * it a slow link towards the agent: a token bucket paces the bytes it relays from the server.
 *
 * <p>Thread model: one platform thread accepts; two virtual threads pump each connection; the
 * downstream pumps of every connection share the one bucket (one link).
 */
final class LinkProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int target;
    private final AtomicBoolean up = new AtomicBoolean(true);
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicLong upstreamBytes = new AtomicLong();
    private final AtomicLong downstreamBytes = new AtomicLong();
    private final Thread acceptor;
    private volatile TokenBucket downstreamLimit; // null: as fast as loopback

    private LinkProxy(ServerSocket listener, int target) {
        this.listener = listener;
        this.target = target;
        this.acceptor = Thread.ofPlatform().name("link-proxy").daemon(true).start(this::accept);
    }

    /** A proxy on a free loopback port to {@code 127.0.0.1:targetPort}. */
    static LinkProxy to(int targetPort) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        return new LinkProxy(listener, targetPort);
    }

    int port() {
        return listener.getLocalPort();
    }

    long upstreamBytes() {
        return upstreamBytes.get();
    }

    long downstreamBytes() {
        return downstreamBytes.get();
    }

    /**
     * From now on, relays towards the agent at most {@code bitsPerSecond} (2_000_000: a 2 Mbit/s
     * link), with bursts of no more than 20 ms of it.
     */
    void throttleDownstream(long bitsPerSecond) {
        downstreamLimit = new TokenBucket(bitsPerSecond / 8.0);
    }

    /** The link goes down: every open connection is dropped, new ones are closed at once. */
    void cut() {
        up.set(false);
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    void restore() {
        up.set(true);
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            if (!up.get()) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket server = new Socket();
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 5_000);
                open.add(client);
                open.add(server);
                Thread.ofVirtual().start(() -> pump(client, server, upstreamBytes, false));
                Thread.ofVirtual().start(() -> pump(server, client, downstreamBytes, true));
            } catch (IOException e) {
                closeQuietly(client); // the server is down: so is the link, as the agent sees it
            }
        }
    }

    private void pump(Socket from, Socket to, AtomicLong counter, boolean downstream) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            while (true) {
                TokenBucket limit = downstream ? downstreamLimit : null;
                // Paced in small reads, so that the agent sees bytes trickle in as on a slow link.
                int n = in.read(buffer, 0, limit == null ? buffer.length : 2 * 1024);
                if (n < 0 || !up.get()) {
                    break;
                }
                if (limit != null) {
                    limit.take(n);
                }
                out.write(buffer, 0, n);
                counter.addAndGet(n);
            }
        } catch (IOException e) {
            // the other side closed, or the link was cut
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    /** Bytes at a steady rate, with a burst of at most 20 ms of them. */
    private static final class TokenBucket {
        private final double bytesPerNano;
        private final double capacity;
        private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        private double tokens;
        private long at = System.nanoTime();

        TokenBucket(double bytesPerSecond) {
            this.bytesPerNano = bytesPerSecond / 1e9;
            this.capacity = Math.max(2 * 1024, bytesPerSecond / 50);
        }

        /** Waits until {@code n} bytes may pass, then lets them. */
        void take(int n) throws InterruptedException {
            lock.lock();
            try {
                while (true) {
                    long now = System.nanoTime();
                    tokens = Math.min(capacity, tokens + (now - at) * bytesPerNano);
                    at = now;
                    if (tokens >= n) {
                        tokens -= n;
                        return;
                    }
                    long waitNanos = (long) Math.ceil((n - tokens) / bytesPerNano);
                    java.util.concurrent.TimeUnit.NANOSECONDS.sleep(waitNanos);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        cut();
        listener.close();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
