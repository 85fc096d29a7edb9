package io.outpost.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.DefaultSSLWebSocketServerFactory;
import org.java_websocket.server.WebSocketServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.outpost.agent.bootstrap.TestPki;
import io.outpost.tunnel.Frame;
import io.outpost.tunnel.FrameCodec;

/**
 * The tunnel's connection against a real WebSocket server over TLS in this JVM (Java-WebSocket's
 * own server): the server's certificate must name the host dialled, messages go both ways, and
 * the read thread puts no more than {@link TunnelSocket#WINDOW} unhandled messages in the inbox.
 */
class TunnelSocketTest {

    private final TestPki pki = TestPki.create();
    private final SSLContext node = pki.node("edge-1", "edge-1", Instant.now().minusSeconds(60),
            Instant.now().plusSeconds(3600)).sslContext();
    private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    private Server server;
    private TunnelSocket socket;

    /** Sends {@code burst} HeartbeatAcks to each client that connects, and keeps what clients send. */
    private final class Server extends WebSocketServer {
        private final int burst;
        private final CountDownLatch started = new CountDownLatch(1);

        Server(SSLContext tls, int burst) {
            super(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            this.burst = burst;
            setWebSocketFactory(new DefaultSSLWebSocketServerFactory(tls));
            setDaemon(true);
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
            for (int i = 1; i <= burst; i++) {
                conn.send(FrameCodec.encode(new Frame.HeartbeatAck(i)));
            }
        }

        @Override
        public void onMessage(WebSocket conn, ByteBuffer message) {
            byte[] bytes = new byte[message.remaining()];
            message.get(bytes);
            received.add(bytes);
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        }

        @Override
        public void onError(WebSocket conn, Exception ex) {
        }

        @Override
        public void onStart() {
            started.countDown();
        }
    }

    private URI serve(int burst, String... names) throws InterruptedException {
        server = new Server(pki.server(names), burst);
        server.start();
        assertThat(server.started.await(30, TimeUnit.SECONDS)).isTrue();
        return URI.create("wss://127.0.0.1:" + server.getPort() + EdgeSyncConfig.connectPath("edge-1"));
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (socket != null) {
            socket.abort();
        }
        if (server != null) {
            server.stop(1000);
        }
    }

    @Test
    void aServerWhoseCertificateNamesAnotherHostIsRefusedBeforeTheUpgrade() throws Exception {
        URI uri = serve(0, "server.invalid");
        socket = new TunnelSocket(uri, node, new LinkedBlockingQueue<>(), new LinkBandwidth().connection());
        assertThatThrownBy(() -> socket.open(() -> false))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot open the tunnel at " + uri)
                .hasMessageContaining("127.0.0.1"); // "No subject alternative names matching IP address 127.0.0.1"
        assertThat(received).isEmpty();
    }

    @Test
    void messagesGoBothWaysOverTheNodesTls() throws Exception {
        URI uri = serve(1, "127.0.0.1");
        BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        socket = new TunnelSocket(uri, node, inbox, new LinkBandwidth().connection());
        assertThat(socket.open(() -> false)).isTrue();
        assertThat(inbox.poll(30, TimeUnit.SECONDS)).isEqualTo(new Frame.HeartbeatAck(1));
        socket.sendMessage(FrameCodec.encode(new Frame.Ack(7)));
        assertThat(FrameCodec.decode(received.poll(30, TimeUnit.SECONDS))).isEqualTo(new Frame.Ack(7));
    }

    @Test
    void theReadThreadStopsAtTheWindowOfUnhandledMessagesAndGoesOnAsTheyAreHandled() throws Exception {
        int burst = TunnelSocket.WINDOW + 10;
        URI uri = serve(burst, "127.0.0.1");
        BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        socket = new TunnelSocket(uri, node, inbox, new LinkBandwidth().connection());
        assertThat(socket.open(() -> false)).isTrue();
        // The read thread waits for room (parked), with exactly a window's worth in the inbox.
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(30)).until(() -> inbox.size() == TunnelSocket.WINDOW && readThreadWaits());
        assertThat(inbox).hasSize(TunnelSocket.WINDOW).first().isEqualTo(new Frame.HeartbeatAck(1));

        socket.handled(TunnelSocket.WINDOW);
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(30)).until(() -> inbox.size() == burst);
        assertThat(inbox).last().isEqualTo(new Frame.HeartbeatAck(burst));
    }

    @Test
    void anAbortedConnectionTellsTheLoopAndLetsAWaitingReadThreadGo() throws Exception {
        URI uri = serve(TunnelSocket.WINDOW + 1, "127.0.0.1");
        BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        socket = new TunnelSocket(uri, node, inbox, new LinkBandwidth().connection());
        assertThat(socket.open(() -> false)).isTrue();
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(30)).until(TunnelSocketTest::readThreadWaits);
        socket.abort();
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(30)).until(() -> inbox.stream().anyMatch(TunnelSocket.Closed.class::isInstance));
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(30)).until(() -> !readThreadAlive());
        assertThatThrownBy(() -> socket.sendMessage(FrameCodec.encode(new Frame.Ack(1)))).isInstanceOf(IOException.class);
    }

    /** Java-WebSocket names its client's read thread WebSocketConnectReadThread-N. */
    private static boolean readThreadWaits() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("WebSocketConnectReadThread")
                && t.getState() == Thread.State.WAITING);
    }

    private static boolean readThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("WebSocketConnectReadThread"));
    }
}
