package io.outpost.apiserver.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.api.ResourceTypes;
import io.outpost.apiserver.KubernetesApi;
import io.outpost.apiserver.registry.Registry;
import io.outpost.apiserver.registry.RegistryConfig;
import io.outpost.store.memory.InMemoryKvStore;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Watches opened as WebSocket upgrades, as the fabric8 client opens them: the real HTTPS server
 * with the real API over an in-memory store, and java.net.http's WebSocket client over TLS with
 * the admin certificate. Futures have a generous bound only so that a broken server fails the test
 * instead of hanging it.
 */
class WebSocketWatchTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long FAILSAFE_SECONDS = 30;
    private static final String CONFIGMAPS = "/api/v1/namespaces/default/configmaps";
    /** A resource path (so a watch verb) served by an endless stream instead of the registry. */
    private static final String FIREHOSE = "/apis/test.outpost.io/v1/firehoses";

    @TempDir
    static Path dataDir;

    static TestServer server;
    static Registry registry;
    static HttpClient admin;
    static final CompletableFuture<Throwable> firehoseEnd = new CompletableFuture<>();
    static final CompletableFuture<Thread> firehoseWriter = new CompletableFuture<>();
    static final AtomicLong firehoseWrites = new AtomicLong();

    @BeforeAll
    static void start() throws Exception {
        ResourceTypes types = ResourceTypes.builtIns();
        registry = new Registry(RegistryConfig.defaults(new InMemoryKvStore(Clock.systemUTC()), types.all()));
        registry.start();
        Router.Builder routes = Router.builder().exact(FIREHOSE, request -> new ApiResponse.Streaming(200, "application/json", Map.of(), sink -> {
            firehoseWriter.complete(Thread.currentThread());
            byte[] event = ("{\"type\":\"ADDED\",\"object\":{\"pad\":\"" + "x".repeat(8 * 1024) + "\"}}\n").getBytes(UTF_8);
            try {
                while (true) {
                    sink.write(event);
                    firehoseWrites.incrementAndGet();
                }
            } catch (IOException | RuntimeException e) {
                firehoseEnd.complete(e);
                throw e;
            }
        }));
        new KubernetesApi(types, registry, Clock.systemUTC()).mountOn(routes);
        server = new TestServer(dataDir, routes);
        admin = server.admin();
    }

    @AfterAll
    static void stop() {
        server.close();
        registry.close();
    }

    /** Collects whole text messages, pongs and the close; reads only while {@link #reading}. */
    static final class Client implements WebSocket.Listener {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final BlockingQueue<String> pongs = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final AtomicLong binaryMessages = new AtomicLong();
        private final StringBuilder partial = new StringBuilder();
        private final boolean reading;

        Client(boolean reading) {
            this.reading = reading;
        }

        @Override
        public void onOpen(WebSocket ws) {
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            if (reading) {
                ws.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            binaryMessages.incrementAndGet();
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            pongs.add(UTF_8.decode(message).toString());
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }

        JsonNode next() throws InterruptedException {
            String message = messages.poll(FAILSAFE_SECONDS, TimeUnit.SECONDS);
            assertThat(message).as("a message within the failsafe bound").isNotNull();
            return JSON.readTree(message);
        }
    }

    private static WebSocket open(HttpClient client, String pathAndQuery, Client listener) throws Exception {
        return client.newWebSocketBuilder().buildAsync(wss(pathAndQuery), listener).get(FAILSAFE_SECONDS, TimeUnit.SECONDS);
    }

    private static URI wss(String pathAndQuery) {
        return URI.create("wss://127.0.0.1:" + server.server.port() + pathAndQuery);
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url(path)).header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return admin.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String configMap(String name, String value) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"v\":\"" + value + "\"}}";
    }

    @Test
    void aWatchUpgradedToWebSocketSendsEachEventAsOneTextMessage() throws Exception {
        assertThat(send("POST", CONFIGMAPS, configMap("ws-a", "1")).statusCode()).isEqualTo(201);
        Client client = new Client(true);
        WebSocket ws = open(admin, CONFIGMAPS + "?watch=true&resourceVersion=0&allowWatchBookmarks=true"
                + "&fieldSelector=metadata.name%3Dws-a", client);

        assertThat(ws.getSubprotocol()).isEmpty();
        JsonNode added = client.next();
        assertThat(added.path("type").asString()).isEqualTo("ADDED");
        assertThat(added.path("object").path("kind").asString()).isEqualTo("ConfigMap");
        assertThat(added.path("object").path("metadata").path("name").asString()).isEqualTo("ws-a");

        assertThat(send("PUT", CONFIGMAPS + "/ws-a", configMap("ws-a", "2")).statusCode()).isEqualTo(200);
        JsonNode modified = client.next();
        assertThat(modified.path("type").asString()).isEqualTo("MODIFIED");
        assertThat(modified.path("object").path("data").path("v").asString()).isEqualTo("2");

        assertThat(send("DELETE", CONFIGMAPS + "/ws-a", null).statusCode()).isEqualTo(200);
        JsonNode deleted = client.next();
        assertThat(deleted.path("type").asString()).isEqualTo("DELETED");
        assertThat(deleted.path("object").path("metadata").path("name").asString()).isEqualTo("ws-a");
        assertThat(client.binaryMessages).hasValue(0);

        // The server answers the client's close with its own.
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(FAILSAFE_SECONDS, TimeUnit.SECONDS);
        assertThat(client.closed.get(FAILSAFE_SECONDS, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
    }

    @Test
    void aWatchThatEndsClosesTheWebSocketWithANormalClose() throws Exception {
        Client client = new Client(true);
        open(admin, CONFIGMAPS + "?watch=true&timeoutSeconds=1", client);

        assertThat(client.closed.get(FAILSAFE_SECONDS, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
    }

    @Test
    void anOfferedSubprotocolIsEchoedAndTheEventsStayPlainJson() throws Exception {
        assertThat(send("POST", CONFIGMAPS, configMap("ws-b", "1")).statusCode()).isEqualTo(201);
        Client client = new Client(true);
        WebSocket ws = admin.newWebSocketBuilder().subprotocols("base64.binary.k8s.io")
                .buildAsync(wss(CONFIGMAPS + "?watch=true&fieldSelector=metadata.name%3Dws-b"), client)
                .get(FAILSAFE_SECONDS, TimeUnit.SECONDS);

        assertThat(ws.getSubprotocol()).isEqualTo("base64.binary.k8s.io");
        assertThat(client.next().path("object").path("metadata").path("name").asString()).isEqualTo("ws-b");
        ws.abort();
    }

    @Test
    void aPingIsAnsweredWithAPong() throws Exception {
        Client client = new Client(true);
        WebSocket ws = open(admin, CONFIGMAPS + "?watch=true", client);

        ws.sendPing(ByteBuffer.wrap("are you there".getBytes(UTF_8))).get(FAILSAFE_SECONDS, TimeUnit.SECONDS);

        assertThat(client.pongs.poll(FAILSAFE_SECONDS, TimeUnit.SECONDS)).isEqualTo("are you there");
        ws.abort();
    }

    @Test
    void aClientThatStopsReadingParksTheWriterAndItsCloseEndsTheStream() throws Exception {
        Client client = new Client(false); // reads one message, then never asks for more
        WebSocket ws = open(admin, FIREHOSE + "?watch=true", client);
        Thread writer = firehoseWriter.get(FAILSAFE_SECONDS, TimeUnit.SECONDS);

        // The writer may wake briefly while the kernel's buffers take the last bytes; what matters is
        // that it comes to rest: parked, with a count of writes that no longer moves.
        AtomicLong lastSeen = new AtomicLong(-1);
        await().atMost(Duration.ofSeconds(FAILSAFE_SECONDS)).pollInterval(Duration.ofMillis(250)).until(() -> {
            long now = firehoseWrites.get();
            return writer.getState() == Thread.State.WAITING && lastSeen.getAndSet(now) == now;
        });
        // Parked means bounded: what was written fits in the socket buffers and the channel's
        // high-water mark, far below what an unparked writer produces in the same seconds.
        assertThat(firehoseWrites.get() * 8 * 1024).isLessThan(64L * 1024 * 1024);

        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(FAILSAFE_SECONDS, TimeUnit.SECONDS);
        assertThat(firehoseEnd.get(FAILSAFE_SECONDS, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
    }

    @Test
    void aWatchUpgradeOfAnotherWebSocketVersionIsAnswered400WithTheVersionWeSpeak() throws Exception {
        try (SSLSocket socket = (SSLSocket) server.sslContext(server.pki.admin()).getSocketFactory()
                .createSocket("127.0.0.1", server.server.port())) {
            socket.getOutputStream().write(("GET " + CONFIGMAPS + "?watch=true HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n"
                    + "Upgrade: websocket\r\nSec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                    .getBytes(UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));

            assertThat(in.readLine()).isEqualTo("HTTP/1.1 400 Bad Request");
            List<String> headers = new ArrayList<>();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                headers.add(line.toLowerCase(Locale.ROOT));
            }
            assertThat(headers).contains("sec-websocket-version: 13");
        }
    }

    /** An upgrade the API refuses: the answer is plain HTTP with the Status, never 101. */
    record Refusal(String name, String pathAndQuery, boolean asAlice, int code) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Refusal> refusals() {
        return Stream.of(
                new Refusal("A watch the user may not make is answered 403 without upgrading",
                        CONFIGMAPS + "?watch=true", true, 403),
                new Refusal("A watch with a bad parameter is answered 400 without upgrading",
                        CONFIGMAPS + "?watch=true&timeoutSeconds=soon", false, 400),
                new Refusal("An upgrade that is not a watch (exec, port-forward) is not upgraded",
                        "/api/v1/namespaces/default/pods/web/exec?command=sh", false, 404));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void anUpgradeAnsweredWithAnErrorIsNotUpgraded(Refusal refusal) throws Exception {
        HttpClient client = refusal.asAlice() ? server.anonymous() : admin;
        WebSocket.Builder builder = client.newWebSocketBuilder();
        if (refusal.asAlice()) {
            builder.header("Authorization", "Bearer " + TestServer.ALICE_TOKEN);
        }
        CompletableFuture<WebSocket> opening = builder.buildAsync(wss(refusal.pathAndQuery()), new Client(true));

        assertThatThrownBy(() -> opening.get(FAILSAFE_SECONDS, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(refusal.code()));
        // The same request without the upgrade gets the same Status, so the refusal is the API's.
        HttpRequest.Builder plainRequest = HttpRequest.newBuilder(server.url(refusal.pathAndQuery()));
        if (refusal.asAlice()) {
            plainRequest.header("Authorization", "Bearer " + TestServer.ALICE_TOKEN);
        }
        HttpResponse<String> plain = client.send(plainRequest.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(refusal.code());
        assertThat(JSON.readTree(plain.body()).path("kind").asString()).isEqualTo("Status");
    }
}
