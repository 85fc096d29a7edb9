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
 * relays in each direction (TLS records as they are on the wire).
 *
 * <p>Thread model: one platform thread accepts; two virtual threads pump each connection.
 */
final class LinkProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int target;
    private final AtomicBoolean up = new AtomicBoolean(true);
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicLong upstreamBytes = new AtomicLong();
    private final AtomicLong downstreamBytes = new AtomicLong();
    private final Thread acceptor;

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
                Thread.ofVirtual().start(() -> pump(client, server, upstreamBytes));
                Thread.ofVirtual().start(() -> pump(server, client, downstreamBytes));
            } catch (IOException e) {
                closeQuietly(client); // the server is down: so is the link, as the agent sees it
            }
        }
    }

    private void pump(Socket from, Socket to, AtomicLong counter) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (!up.get()) {
                    break;
                }
                out.write(buffer, 0, n);
                counter.addAndGet(n);
            }
        } catch (IOException e) {
            // the other side closed, or the link was cut
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
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
