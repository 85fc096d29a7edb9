package io.outpost.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;

import com.sun.net.httpserver.HttpServer;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HTTPGetActionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;

import org.junit.jupiter.api.Test;

/** HTTP and TCP probes against real sockets on the loopback. */
class ProberTest {

    private final Prober prober = new Prober(null);

    @Test
    void httpGetSucceedsBelow400AndFailsWithTheStatusCodeOtherwiseOnANamedPort() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/healthz", ex -> {
            ex.sendResponseHeaders("yes".equals(ex.getRequestHeaders().getFirst("X-Ok")) ? 200 : 503, -1);
            ex.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            Container c = new ContainerBuilder().withName("web").addNewPort().withName("http").withContainerPort(port).endPort().build();
            var ok = prober.httpGet(new HTTPGetActionBuilder().withPath("/healthz").withPort(new IntOrString("http"))
                    .addNewHttpHeader().withName("X-Ok").withValue("yes").endHttpHeader().build(), c, "127.0.0.1", Duration.ofSeconds(1));
            assertThat(ok.result()).isEqualTo(ProbeResult.SUCCESS);
            var bad = prober.httpGet(new HTTPGetActionBuilder().withPath("/healthz").withPort(new IntOrString(port)).build(), c, "127.0.0.1",
                    Duration.ofSeconds(1));
            assertThat(bad.result()).isEqualTo(ProbeResult.FAILURE);
            assertThat(bad.message()).isEqualTo("HTTP probe failed with statuscode: 503");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void tcpSucceedsWhenSomethingListensAndFailsOtherwise() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(prober.tcp("127.0.0.1", s.getLocalPort(), Duration.ofSeconds(1)).result()).isEqualTo(ProbeResult.SUCCESS);
            closedPort = s.getLocalPort();
        }
        var closed = prober.tcp("127.0.0.1", closedPort, Duration.ofSeconds(1));
        assertThat(closed.result()).isEqualTo(ProbeResult.FAILURE);
        assertThat(closed.message()).startsWith("dial tcp 127.0.0.1:" + closedPort);
    }
}
