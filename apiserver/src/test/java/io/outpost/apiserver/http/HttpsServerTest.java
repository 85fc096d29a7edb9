package io.outpost.apiserver.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.outpost.apiserver.pki.CertificateIssuer;
import io.outpost.apiserver.pki.KeyAndCertificate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The real HTTPS server in this JVM, driven over real TLS by java.net.http and raw TLS sockets. */
class HttpsServerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dataDir;

    static TestServer server;
    static final CompletableFuture<Throwable> streamEnd = new CompletableFuture<>();
    static final CompletableFuture<Thread> streamWriter = new CompletableFuture<>();
    static final AtomicLong streamed = new AtomicLong();

    @BeforeAll
    static void start() throws Exception {
        Router.Builder routes = Router.builder()
                .exact("/test/echo", request -> ApiResponse.json(200, JSON.writeValueAsBytes(Map.of(
                        "bytes", request.body().length, "user", request.user().name(), "groups", request.user().groups()))))
                .exact("/test/boom", request -> {
                    throw new IllegalStateException("boom");
                })
                .exact("/test/lines", request -> new ApiResponse.Streaming(200, "application/json", Map.of(), sink -> {
                    for (int i = 0; i < 3; i++) {
                        sink.write(("{\"n\":" + i + "}\n").getBytes(UTF_8));
                    }
                }))
                .exact("/test/firehose", request -> new ApiResponse.Streaming(200, "application/octet-stream", Map.of(), sink -> {
                    streamWriter.complete(Thread.currentThread());
                    byte[] chunk = new byte[16 * 1024];
                    try {
                        while (true) {
                            sink.write(chunk);
                            streamed.addAndGet(chunk.length);
                        }
                    } catch (IOException | RuntimeException e) {
                        streamEnd.complete(e);
                        throw e;
                    }
                }));
        server = new TestServer(dataDir, routes);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> get(HttpClient client, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.url(path)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    @Test
    void theAdminCertificateReadsReadinessVerbosely() throws Exception {
        HttpResponse<String> r = get(server.admin(), "/readyz?verbose");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("[+]ping ok\n[+]datastore ok\nreadyz check passed\n");
        assertThat(r.version()).as("ALPN chose http/1.1 though the client offers h2").isEqualTo(HttpClient.Version.HTTP_1_1);
    }

    @Test
    void aClientCertificateIsReadAsUserAndGroups() throws Exception {
        HttpResponse<String> r = get(server.admin(), "/test/echo");

        assertThat(json(r).get("user").asString()).isEqualTo("outpost-admin");
        assertThat(json(r).get("groups").toString()).isEqualTo("[\"system:masters\",\"system:authenticated\"]");
    }

    @Test
    void versionAndHealthAnswerWithoutCredentials() throws Exception {
        HttpResponse<String> version = get(server.anonymous(), "/version");
        assertThat(version.statusCode()).isEqualTo(200);
        assertThat(json(version).get("major").asString()).isEqualTo("1");
        assertThat(json(version).get("minor").asString()).isEqualTo("33");
        assertThat(json(version).get("gitVersion").asString()).isEqualTo("v1.33.0+outpost-0.1.0-test");

        assertThat(get(server.anonymous(), "/livez").body()).isEqualTo("ok");
        assertThat(get(server.anonymous(), "/healthz").body()).isEqualTo("ok");
    }

    @Test
    void noCredentialsElsewhereIs401() throws Exception {
        HttpResponse<String> r = get(server.anonymous(), "/api/v1/namespaces/default/pods");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).get("kind").asString()).isEqualTo("Status");
        assertThat(json(r).get("reason").asString()).isEqualTo("Unauthorized");
    }

    @Test
    void aWrongTokenIs401EvenOnAPublicPath() throws Exception {
        assertThat(get(server.anonymous(), "/healthz", "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
    }

    @Test
    void aTokenUserOutsideSystemMastersIsForbiddenInKubesWords() throws Exception {
        HttpResponse<String> r = get(server.anonymous(), "/api/v1/namespaces/default/pods",
                "Authorization", "Bearer " + TestServer.ALICE_TOKEN);

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(json(r).get("reason").asString()).isEqualTo("Forbidden");
        assertThat(json(r).get("message").asString()).isEqualTo(
                "pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"");
        assertThat(json(r).get("details").get("kind").asString()).isEqualTo("pods");
    }

    @Test
    void anUnknownPathIsAKubeNotFound() throws Exception {
        HttpResponse<String> r = get(server.admin(), "/nope");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).get("message").asString()).isEqualTo("the server could not find the requested resource");
    }

    @Test
    void aHandlerExceptionIs500AndTheServerKeepsServing() throws Exception {
        HttpClient admin = server.admin();
        HttpResponse<String> r = get(admin, "/test/boom");

        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(json(r).get("reason").asString()).isEqualTo("InternalError");
        assertThat(get(admin, "/livez").statusCode()).isEqualTo(200);
    }

    @Test
    void aBodyOver3MiBIs413AndOneJustUnderIsServed() throws Exception {
        HttpClient admin = server.admin();
        HttpResponse<String> tooLarge = admin.send(HttpRequest.newBuilder(server.url("/test/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[3 * 1024 * 1024 + 1])).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(json(tooLarge).get("reason").asString()).isEqualTo("RequestEntityTooLarge");

        HttpResponse<String> fits = admin.send(HttpRequest.newBuilder(server.url("/test/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[3 * 1024 * 1024])).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(fits.statusCode()).isEqualTo(200);
        assertThat(json(fits).get("bytes").asInt()).isEqualTo(3 * 1024 * 1024);
    }

    @Test
    void aStreamingResponseIsChunkedAndArrivesWhole() throws Exception {
        HttpResponse<String> r = get(server.admin(), "/test/lines");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("transfer-encoding")).contains("chunked");
        assertThat(r.body()).isEqualTo("{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n");
    }

    @Test
    void aClientThatDoesNotReadBlocksItsStreamsWriterWhichFailsOnceTheClientGoes() throws Exception {
        SSLSocket socket = (SSLSocket) server.sslContext(server.pki.admin()).getSocketFactory()
                .createSocket("127.0.0.1", server.server.port());
        socket.setReceiveBufferSize(4096);
        OutputStream out = socket.getOutputStream();
        out.write("GET /test/firehose HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(UTF_8));
        out.flush();
        Thread writer = streamWriter.get(30, TimeUnit.SECONDS);

        // Back-pressure: the writer parks in the sink once the channel stops being writable.
        await().atMost(Duration.ofSeconds(30)).until(() -> writer.getState() == Thread.State.WAITING);
        long parkedAt = streamed.get();
        assertThat(writer.getState()).isEqualTo(Thread.State.WAITING);
        assertThat(streamed.get()).isEqualTo(parkedAt);

        socket.close();
        assertThat(streamEnd.get(30, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
    }

    @Test
    void twoRequestsOnOneKeptAliveConnectionAreBothAnswered() throws Exception {
        try (SSLSocket socket = (SSLSocket) server.sslContext(server.pki.admin()).getSocketFactory()
                .createSocket("127.0.0.1", server.server.port())) {
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));
            for (int i = 0; i < 2; i++) {
                out.write("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(UTF_8));
                out.flush();
                assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
                String line;
                int length = -1;
                while (!(line = in.readLine()).isEmpty()) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).strip());
                    }
                }
                char[] body = new char[length];
                assertThat(in.read(body)).isEqualTo(2);
                assertThat(new String(body)).isEqualTo("ok");
            }
        }
    }

    @Test
    void aCertificateFromAnotherCaAuthenticatesNobody() throws Exception {
        KeyAndCertificate otherCa = CertificateIssuer.selfSignedCa("other", Clock.systemUTC().instant(), Duration.ofDays(1));
        KeyAndCertificate mallory = CertificateIssuer.client(otherCa, "mallory", List.of("system:masters"),
                Clock.systemUTC().instant(), Duration.ofDays(1));

        // The JDK's TLS engine, asked for a client certificate but not requiring one, drops an
        // untrusted one (kube's Go stack ends the handshake instead); either way nobody is let in.
        int status;
        try {
            status = get(server.client(mallory), "/test/echo").statusCode();
        } catch (IOException refusedAtHandshake) {
            status = -1;
        }
        assertThat(status).isIn(-1, 401);
    }

    @Test
    void selfSubjectReviewsAnswerThroughTheAuthorizer() throws Exception {
        HttpClient admin = server.admin();
        String canListPods = "{\"kind\":\"SelfSubjectAccessReview\",\"apiVersion\":\"authorization.k8s.io/v1\","
                + "\"spec\":{\"resourceAttributes\":{\"namespace\":\"default\",\"verb\":\"list\",\"resource\":\"pods\"}}}";
        JsonNode allowed = json(post(admin, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", canListPods, "application/json"));
        assertThat(allowed.get("status").get("allowed").asBoolean()).isTrue();
        assertThat(allowed.get("spec").get("resourceAttributes").get("resource").asString()).isEqualTo("pods");

        HttpResponse<String> alice = server.anonymous().send(HttpRequest.newBuilder(server.url("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"))
                .header("Authorization", "Bearer " + TestServer.ALICE_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(canListPods)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(alice.statusCode()).isEqualTo(201);
        assertThat(json(alice).get("status").get("allowed").asBoolean()).isFalse();

        JsonNode whoami = json(post(admin, "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                "{\"kind\":\"SelfSubjectReview\",\"apiVersion\":\"authentication.k8s.io/v1\"}", "application/json"));
        assertThat(whoami.get("status").get("userInfo").get("username").asString()).isEqualTo("outpost-admin");

        JsonNode rules = json(post(admin, "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
                "{\"spec\":{\"namespace\":\"default\"}}", "application/json"));
        assertThat(rules.get("status").get("resourceRules").get(0).get("verbs").toString()).isEqualTo("[\"*\"]");

        HttpResponse<String> emptyEnvelope = post(admin, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "k8s\0",
                "application/vnd.kubernetes.protobuf");
        assertThat(emptyEnvelope.statusCode()).isEqualTo(400);
        assertThat(json(emptyEnvelope).get("message").asString()).contains("Kind");

        HttpResponse<String> text = post(admin, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "allowed?", "text/plain");
        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(json(text).get("reason").asString()).isEqualTo("UnsupportedMediaType");
        assertThat(json(text).get("message").asString()).isEqualTo("the body of the request was in an unknown format - "
                + "accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf");
    }

    private static HttpResponse<String> post(HttpClient client, String path, String body, String contentType) throws Exception {
        return client.send(HttpRequest.newBuilder(server.url(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

}
