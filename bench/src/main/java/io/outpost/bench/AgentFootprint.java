package io.outpost.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import io.fabric8.kubernetes.api.model.Pod;
import io.outpost.agent.json.AgentJson;
import io.outpost.api.Codec;
import io.outpost.store.sqlite.SqliteConfig;
import io.outpost.store.sqlite.SqliteKvStore;

/**
 * What each building block of the agent adds to a JVM's resident memory: the agent's goal is
 * under 64 MB with ten pods (issue 6), and this says where the memory goes. Each step is done in
 * the order given, and followed by a GC and a reading of {@code VmRSS}:
 * <ul>
 *   <li>{@code json}: ten pods decoded and their statuses encoded with {@link AgentJson}
 *       (jackson-jr with the agent's own fabric8 binding), as the agent does;</li>
 *   <li>{@code codec}: the same with the API's {@link Codec} (Jackson databind), as the agent did
 *       before, for comparison;</li>
 *   <li>{@code tls URL}: one HTTPS GET on a plain {@link SSLSocket} (the TLS the agent's tunnel
 *       and join use), against a running server's {@code /readyz}, without verifying it;</li>
 *   <li>{@code http URL}: the same GET with {@code java.net.http}, the agent's former client;</li>
 *   <li>{@code store}: the {@code store} module's SQLite store opened with one reader (the
 *       agent's local store) and ten objects written;</li>
 *   <li>{@code sleep}: nothing, to see the noise.</li>
 * </ul>
 * The first step also pays for what every step shares (reflection, method handles, lambdas), so
 * run the steps in several orders. The agent as a whole is measured by {@code bench/agent-memory.sh}
 * (a real server and agent, ten process pods). Run with the agent's flags from the launcher, e.g.:
 * <pre>
 * MALLOC_ARENA_MAX=2 java -Xms8m -Xmx64m -Xmn2m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:off \
 *     -XX:+UseCompactObjectHeaders -cp bench/target/benchmarks.jar io.outpost.bench.AgentFootprint \
 *     tls https://127.0.0.1:6443/readyz json store
 * </pre>
 * Measured 2026-11-25 (Temurin 25, x86-64, a jar of the agent's classes): JVM and jar 37 MB; TLS
 * on an SSLSocket +20 MB first; java.net.http +8 MB more; after TLS, databind bound to fabric8
 * +24 MB (jackson-jr's own bean binding +10 MB, plain maps +3 MB); store +6 MB.
 *
 * <p>Thread model: one thread, the main one; the steps run in order.
 */
public final class AgentFootprint {

    private AgentFootprint() {
    }

    public static void main(String[] args) throws Exception {
        report("start");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "json" -> json();
                case "codec" -> codec();
                case "tls" -> tls(URI.create(args[++i]));
                case "http" -> http(URI.create(args[++i]));
                case "store" -> store();
                case "sleep" -> Thread.sleep(2_000);
                default -> throw new IllegalArgumentException("unknown step " + args[i] + ": json, codec, tls URL, http URL, store, sleep");
            }
            report(args[i].startsWith("https:") ? args[i - 1] + " " + args[i] : args[i]);
        }
    }

    private static byte[] pod() throws IOException {
        try (InputStream in = AgentFootprint.class.getResourceAsStream("footprint-pod.json")) {
            return in.readAllBytes();
        }
    }

    private static void json() throws IOException {
        byte[] json = pod();
        for (int i = 0; i < 10; i++) {
            Pod pod = AgentJson.decode(json, Pod.class);
            AgentJson.encode(pod.getStatus());
        }
    }

    private static void codec() throws IOException {
        byte[] json = pod();
        Codec codec = new Codec();
        for (int i = 0; i < 10; i++) {
            Pod pod = codec.decode(json, Codec.Format.JSON, Pod.class).value();
            codec.toJson(pod.getStatus());
        }
    }

    private static SSLContext insecure() throws Exception {
        SSLContext insecure = SSLContext.getInstance("TLS");
        insecure.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return insecure;
    }

    /** Kept open, as the agent keeps its tunnel. */
    private static SSLSocket socket;

    private static void tls(URI url) throws Exception {
        socket = (SSLSocket) insecure().getSocketFactory().createSocket(url.getHost(), url.getPort());
        socket.getOutputStream().write(("GET " + url.getPath() + " HTTP/1.1\r\nHost: " + url.getHost() + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        byte[] answer = new byte[4096];
        int n = socket.getInputStream().read(answer);
        System.out.println("GET " + url + ": " + new String(answer, 0, Math.max(n, 0), StandardCharsets.US_ASCII).lines().findFirst().orElse(""));
    }

    private static void http(URI url) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(insecure()).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
        System.out.println("GET " + url + ": " + response.statusCode());
    }

    private static void store() throws IOException {
        Path dir = Files.createTempDirectory("outpost-footprint");
        SqliteKvStore store = SqliteKvStore.open(SqliteConfig.defaults(dir.resolve("sync.db")).withReaders(1));
        for (int i = 0; i < 10; i++) {
            store.create("/desired/pods/default/p" + i, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
        }
        // left open, as the agent's is
    }

    private static void report(String step) throws Exception {
        System.gc();
        Thread.sleep(500);
        String rss = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmRSS")).findFirst().orElse("VmRSS: ?").replaceAll("\\s+", " ");
        Runtime r = Runtime.getRuntime();
        System.out.printf("%-6s %s, heap used %d kB%n", step, rss, (r.totalMemory() - r.freeMemory()) / 1024);
    }
}
