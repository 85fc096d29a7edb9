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
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import io.fabric8.kubernetes.api.model.Pod;
import io.outpost.api.Codec;
import io.outpost.store.sqlite.SqliteConfig;
import io.outpost.store.sqlite.SqliteKvStore;

/**
 * What each building block of the agent adds to a JVM's resident memory: the agent's goal is
 * under 64 MB with ten pods (issue 6), and this says where the memory goes. Each step is the
 * agent's own code path, done in the order given, and followed by a GC and a reading of
 * {@code VmRSS}:
 * <ul>
 *   <li>{@code codec}: ten pods decoded with the API's {@link Codec} into fabric8's model (as the
 *       agent's desired state does) and their statuses encoded;</li>
 *   <li>{@code tls URL}: one HTTPS GET with {@code java.net.http} (the tunnel's client), against
 *       a running server's {@code /readyz}, without verifying it;</li>
 *   <li>{@code store}: the {@code store} module's SQLite store opened with one reader (the
 *       agent's local store) and ten objects written;</li>
 *   <li>{@code sleep}: nothing, to see the noise.</li>
 * </ul>
 * The first step also pays for what every step shares (reflection, method handles, lambdas), so
 * run the steps in several orders. Run with the agent's flags from the launcher, e.g.:
 * <pre>
 * MALLOC_ARENA_MAX=2 java -Xms4m -Xmx64m -Xmn4m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
 *     -XX:+UseCompactObjectHeaders -cp bench/target/benchmarks.jar io.outpost.bench.AgentFootprint \
 *     codec tls https://127.0.0.1:6443/readyz store
 * </pre>
 * Measured 2026-11-25 (Temurin 25, x86-64; the outpost fat jar on the class path): JVM and jar
 * 45 MB; codec +32 MB first, +15 MB after tls; tls +27 MB first, +13-16 MB after codec;
 * store +10 MB after both (+21 MB first). A class path of only the agent's jars starts 2 MB lower
 * and ends 7 MB lower (the fat jar's central directory, 4 MB, is held in the heap).
 */
public final class AgentFootprint {

    private AgentFootprint() {
    }

    public static void main(String[] args) throws Exception {
        report("start");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "codec" -> codec();
                case "tls" -> tls(URI.create(args[++i]));
                case "store" -> store();
                case "sleep" -> Thread.sleep(2_000);
                default -> throw new IllegalArgumentException("unknown step " + args[i] + ": codec, tls URL, store, sleep");
            }
            report(args[i].startsWith("https:") ? "tls" : args[i]);
        }
    }

    private static void codec() throws IOException {
        byte[] json;
        try (InputStream in = AgentFootprint.class.getResourceAsStream("footprint-pod.json")) {
            json = in.readAllBytes();
        }
        Codec codec = new Codec();
        for (int i = 0; i < 10; i++) {
            Pod pod = codec.decode(json, Codec.Format.JSON, Pod.class).value();
            codec.toJson(pod.getStatus());
        }
    }

    private static void tls(URI url) throws Exception {
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
        HttpClient http = HttpClient.newBuilder().sslContext(insecure).connectTimeout(Duration.ofSeconds(5)).build();
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
