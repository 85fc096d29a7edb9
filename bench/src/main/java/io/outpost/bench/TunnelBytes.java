package io.outpost.bench;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.outpost.agent.sync.EdgeSync;
import io.outpost.agent.sync.EdgeSyncConfig;
import io.outpost.api.ResourceTypes;
import io.outpost.apiserver.auth.BootstrapRolesAuthorizer;
import io.outpost.apiserver.auth.RequestAuthenticator;
import io.outpost.apiserver.auth.SystemMastersAuthorizer;
import io.outpost.apiserver.auth.TokenFile;
import io.outpost.apiserver.auth.UnionAuthorizer;
import io.outpost.apiserver.auth.X509Authenticator;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.HttpsServer;
import io.outpost.apiserver.http.HttpsServerConfig;
import io.outpost.apiserver.http.Router;
import io.outpost.apiserver.http.UserInfo;
import io.outpost.apiserver.pki.CertificateIssuer;
import io.outpost.apiserver.pki.ClusterPki;
import io.outpost.apiserver.pki.KeyAndCertificate;
import io.outpost.apiserver.registry.Registry;
import io.outpost.apiserver.registry.RegistryConfig;
import io.outpost.apiserver.registry.Target;
import io.outpost.apiserver.tunnel.TunnelAuthorizer;
import io.outpost.apiserver.tunnel.TunnelConfig;
import io.outpost.apiserver.tunnel.TunnelEndpoint;
import io.outpost.apiserver.tunnel.TunnelMetrics;
import io.outpost.store.sqlite.SqliteConfig;
import io.outpost.store.sqlite.SqliteKvStore;

/**
 * The tunnel's two numbers (ARCHITECTURE.md, "Cloud-edge tunnel"), counted in bytes on the
 * server's TLS socket, both directions (TLS records, handshakes included; TCP/IP headers not):
 * <ol>
 *   <li>an idle node with 10 pods (and their ConfigMaps): bytes per minute on the link, with
 *       kubelet's 10 s heartbeat (goal: under 1 KB/min);</li>
 *   <li>a node with 100 objects (90 pods, 10 ConfigMaps) away for a while in which 1 pod
 *       changed: the bytes of its reconnect, when the store still has the history (replay) and
 *       when it was compacted (a 1-hour gap with the default 5-minute compaction window: digest);
 *       the goal is within 2x of the changed object's size.</li>
 * </ol>
 * The server is the real HTTPS server, registry, SQLite store and tunnel endpoint in this JVM
 * (no controllers), the agent the real sync layer over java.net.http with a node certificate.
 *
 * <p>Run: {@code ./mvnw -B -q -pl bench -am package -DskipTests && java -cp bench/target/benchmarks.jar
 * io.outpost.bench.TunnelBytes [idle-seconds, default 120]}.
 *
 * <p>Last measured (2026-11-25, this 2-core machine, JDK 25, TLS 1.3 with ECDSA certificates):
 * <ul>
 *   <li>idle node with 10 pods and 10 ConfigMaps: <b>522 bytes/min</b> (one heartbeat round trip
 *       of about 87 bytes every 10 s; the Lease renewals cost the link nothing more);</li>
 *   <li>first sync of 100 objects: 38.4 KB (about 380 bytes an object, deflated with the
 *       dictionary, managedFields left out);</li>
 *   <li>a reconnect with nothing changed: 2.6 KB (TLS 1.3 resumed handshake and session ticket,
 *       the WebSocket upgrade, Hello, Synced); 3.3 KB with a full handshake (new TLS context);</li>
 *   <li>1 of 100 objects changed (a 1,967-byte pod): replay 3.0 KB in all, 411 bytes above an
 *       unchanged reconnect (0.21x the pod); after compaction, with the digest, 3.4 KB in all
 *       (<b>1.75x</b> the pod, handshake included), 838 bytes above an unchanged reconnect
 *       (0.43x).</li>
 * </ul>
 */
public final class TunnelBytes {

    private static final UserInfo ADMIN = new UserInfo("admin", List.of(UserInfo.MASTERS, UserInfo.AUTHENTICATED));

    private final Registry registry;
    private final ResourceTypes types = ResourceTypes.builtIns();
    private final SqliteKvStore store;
    private final TunnelMetrics metrics = new TunnelMetrics();
    private final HttpsServer https;
    private final ClusterPki pki;
    private final Path dir;

    private TunnelBytes(Path dir) throws Exception {
        this.dir = dir;
        store = SqliteKvStore.open(SqliteConfig.defaults(dir.resolve("state.db")));
        registry = new Registry(RegistryConfig.defaults(store, types.all()));
        registry.start();
        pki = ClusterPki.loadOrCreate(dir.resolve("tls"), ClusterPki.servingNames("localhost", List.of()), Clock.systemUTC());
        Router.Builder routes = Router.builder();
        new TunnelEndpoint(TunnelConfig.defaults(store, registry, types, metrics)).mountOn(routes);
        https = new HttpsServer(new HttpsServerConfig(InetAddress.getLoopbackAddress(), 0, pki.serving().key(),
                List.of(pki.serving().certificate()), List.of(pki.ca().certificate()),
                new RequestAuthenticator(new X509Authenticator(pki.ca().certificate(), Clock.systemUTC()), TokenFile.empty()),
                new UnionAuthorizer(List.of(new SystemMastersAuthorizer(), new BootstrapRolesAuthorizer(), new TunnelAuthorizer())),
                routes.build(), HttpsServerConfig.DEFAULT_MAX_BODY_BYTES));
        https.start();
    }

    public static void main(String[] args) throws Exception {
        long idleSeconds = args.length > 0 ? Long.parseLong(args[0]) : 120;
        Path dir = Files.createTempDirectory("tunnel-bytes");
        TunnelBytes bench = new TunnelBytes(dir);
        try {
            bench.idle(idleSeconds);
            bench.resync();
        } finally {
            bench.https.close();
            bench.registry.close();
            bench.store.close();
        }
    }

    private void idle(long seconds) throws Exception {
        for (int i = 0; i < 10; i++) {
            create("configmaps", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"idle-cfg-" + i
                    + "\",\"namespace\":\"default\"},\"data\":{\"app.properties\":\"level=info\\nport=8080\\n\"}}");
            create("pods", pod("idle-" + i, "idle-node", "idle-cfg-" + i, "v1"));
        }
        try (EdgeSync edge = EdgeSync.start(config("idle-node", Duration.ofSeconds(10)))) {
            waitFor(() -> edge.desiredState().pods().size() == 10 && edge.desiredState().configMap("default", "idle-cfg-9").isPresent());
            Thread.sleep(2_000); // the first heartbeat answers and session tickets are past
            long before = total("idle-node");
            long framesBefore = metrics.frames("idle-node", true) + metrics.frames("idle-node", false);
            Instant start = Instant.now();
            Thread.sleep(seconds * 1000);
            double minutes = Duration.between(start, Instant.now()).toMillis() / 60_000.0;
            long bytes = total("idle-node") - before;
            long frames = metrics.frames("idle-node", true) + metrics.frames("idle-node", false) - framesBefore;
            System.out.printf("idle node, 10 pods + 10 ConfigMaps, heartbeat 10 s: %.0f bytes/min on the TLS socket"
                    + " (%d bytes, %d frames in %.1f min; down %d, up %d bytes in total)%n", bytes / minutes, bytes, frames,
                    minutes, metrics.wireBytes("idle-node", true), metrics.wireBytes("idle-node", false));
        }
    }

    private void resync() throws Exception {
        for (int i = 0; i < 10; i++) {
            create("configmaps", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cfg-" + i
                    + "\",\"namespace\":\"default\"},\"data\":{\"app.properties\":\"level=info\\nport=8080\\n\"}}");
        }
        for (int i = 0; i < 90; i++) {
            create("pods", pod("web-" + i, "away-node", "cfg-" + (i % 10), "v1"));
        }
        try (EdgeSync edge = EdgeSync.start(config("away-node", Duration.ofSeconds(60)))) {
            waitFor(() -> edge.desiredState().pods().size() == 90 && edge.revision() > 0);
        }
        waitFor(() -> !metrics.text().contains("connected{node=\"away-node\"} 1"));
        System.out.printf("first sync of 100 objects (90 pods, 10 ConfigMaps): %d bytes%n", total("away-node"));
        long unchanged = reconnect(() -> { });
        byte[] changed = patchPod("web-42", "v2");
        long replay = reconnect(() -> { });
        patchPod("web-43", "v2");
        byte[] changedToo = patchPod("web-43", "v3");
        store.compact(store.currentRevision());
        long digest = reconnect(() -> { });
        System.out.printf("reconnect with nothing changed (TLS handshake, upgrade, Hello, Synced): %d bytes%n", unchanged);
        System.out.printf("1 of 100 objects changed (pod JSON %d bytes), history kept (replay): %d bytes, %d above an unchanged reconnect (%.2fx)%n",
                changed.length, replay, replay - unchanged, (replay - unchanged) / (double) changed.length);
        System.out.printf("1 of 100 objects changed (pod JSON %d bytes), history compacted (digest): %d bytes, %d above an unchanged reconnect (%.2fx)%n",
                changedToo.length, digest, digest - unchanged, (digest - unchanged) / (double) changedToo.length);
    }

    /** Both directions' bytes of one connection that brings the agent up to the store's revision. */
    private long reconnect(Runnable gap) throws Exception {
        gap.run();
        long target = store.currentRevision();
        long before = total("away-node");
        try (EdgeSync edge = EdgeSync.start(config("away-node", Duration.ofSeconds(60)))) {
            waitFor(() -> edge.revision() >= target);
        }
        waitFor(() -> !metrics.text().contains("connected{node=\"away-node\"} 1"));
        return total("away-node") - before;
    }

    private long total(String node) {
        return metrics.wireBytes(node, true) + metrics.wireBytes(node, false);
    }

    /**
     * One TLS context per node, as an agent keeps one across its reconnects (a new one only when
     * its certificate rotates): TLS 1.3 then resumes the session, without the certificates.
     */
    private final Map<String, SSLContext> contexts = new java.util.HashMap<>();

    private EdgeSyncConfig config(String node, Duration heartbeat) throws Exception {
        SSLContext tls = contexts.get(node);
        if (tls == null) {
            KeyAndCertificate id = CertificateIssuer.client(pki.ca(), "system:node:" + node, List.of("system:nodes"), Instant.now(),
                    Duration.ofDays(1));
            tls = sslContext(id);
            contexts.put(node, tls);
        }
        SSLContext context = tls;
        return EdgeSyncConfig.defaults(URI.create("https://127.0.0.1:" + https.port()), node, () -> context, dir.resolve("edge-" + node))
                .withHeartbeat(heartbeat, heartbeat.multipliedBy(4)).withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    }

    private static String pod(String name, String node, String configMap, String version) {
        return """
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"default","labels":{"app":"web","version":"%s"}},
                 "spec":{"nodeName":"%s","containers":[{"name":"web","image":"registry.example.com/shop/web:1.4.2",
                 "ports":[{"containerPort":8080,"name":"http"}],"env":[{"name":"MODE","value":"edge"}],
                 "resources":{"requests":{"cpu":"100m","memory":"64Mi"},"limits":{"memory":"128Mi"}},
                 "volumeMounts":[{"name":"cfg","mountPath":"/etc/app"}]}],
                 "volumes":[{"name":"cfg","configMap":{"name":"%s"}}]}}""".formatted(name, version, node, configMap);
    }

    private void create(String plural, String json) {
        Target target = Target.collection(types.lookup("", "v1", plural).orElseThrow(), "default");
        ApiResponse r = registry.handle(new ApiRequest("POST", "/api/v1/namespaces/default/" + plural, Map.of(),
                Map.of("content-type", List.of("application/json")), json.getBytes(StandardCharsets.UTF_8), ADMIN), target);
        if (r.status() != 201) {
            throw new IllegalStateException("create " + plural + ": " + r.status() + " "
                    + new String(((ApiResponse.Full) r).body(), StandardCharsets.UTF_8));
        }
    }

    /** Changes a pod's label; returns the pod's JSON as the API serves it. */
    private byte[] patchPod(String name, String version) {
        Target target = Target.object(types.lookup("", "v1", "pods").orElseThrow(), "default", name);
        ApiResponse r = registry.handle(new ApiRequest("PATCH", "/api/v1/namespaces/default/pods/" + name, Map.of(),
                Map.of("content-type", List.of("application/merge-patch+json")),
                ("{\"metadata\":{\"labels\":{\"version\":\"" + version + "\"}}}").getBytes(StandardCharsets.UTF_8), ADMIN), target);
        return ((ApiResponse.Full) r).body();
    }

    private SSLContext sslContext(KeyAndCertificate identity) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", pki.ca().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("me", identity.key(), new char[0], new Certificate[] {identity.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ssl;
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("timed out");
            }
            Thread.sleep(20);
        }
    }
}
