package io.outpost.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;

/**
 * The API server at scale (issue 3's numbers): requests/s and p50/p99 latency of create, get,
 * update and list of configmaps, the delivery of one event to many concurrent watchers, and the
 * server's resident memory. Goals: p99 of a mutating call under 50 ms at 500 requests/s; 1,000
 * watchers cost under 100 MB.
 *
 * <p>The server is the real {@code outpost server} (SQLite, fresh data dir, {@code -Xmx512m}) in a
 * JVM of its own ({@link ServerProcess}), driven over HTTPS with the admin's client certificate by
 * {@code java.net.http} in this JVM, on the same machine: client and server share its cores.
 * Every figure is after a warm-up of each operation.
 *
 * <pre>
 * ./mvnw -B -q -pl cli,bench -am package -DskipTests
 * java -cp bench/target/benchmarks.jar io.outpost.bench.ApiBench          # about 4 minutes
 * java -cp bench/target/benchmarks.jar io.outpost.bench.ApiBench quick    # about 1 minute, 100 watchers
 * </pre>
 *
 * Run from the repository root (it starts {@code cli/target/outpost.jar}).
 *
 * <p>Last measured (2026-11-25, full run, 2 cores otherwise quiet, JDK 25, SQLite, the server
 * also running its controllers and scheduler, open loop capped at {@link LoadRunner#MAX_IN_FLIGHT}
 * requests in flight and warmed): at 500/s create p50 0.9 ms, p99 7.2 ms, update p99 11.7 ms, get
 * p99 1.4 ms; closed loop with 8 clients: create 3,042/s, update 2,550/s, get 12,760/s; list of
 * 1,000 (2.5 MB) p50 100 ms consistent, 15 ms with resourceVersion=0, 48 ms per page of 500; one
 * event to 1,000 watchers p50 32 ms, p99 83 ms; 1,000 watchers cost 13.1 KB each of live heap;
 * server RSS 230 MB idle, 813 MB peak at -Xmx512m. Before the open loop was warmed, its first
 * phase (creates) had a p99 of 225-324 ms; before the in-flight cap it snowballed (p99 10-15 s).
 */
public final class ApiBench {

    private static final int RATE = 500;
    private static final int CLIENTS = 8; // divides LIST_SIZE: closed-loop updates never conflict
    private static final int LIST_SIZE = 1_000;
    private static final double MB = 1024 * 1024;

    private final boolean quick;
    private final List<String> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private ApiBench(boolean quick) {
        this.quick = quick;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = args.length > 0 && args[0].equals("quick");
        Path jar = Path.of("cli/target/outpost.jar");
        if (!Files.isRegularFile(jar)) {
            System.err.println("no " + jar.toAbsolutePath() + ": run from the repository root after "
                    + "./mvnw -B -q -pl cli,bench -am package -DskipTests");
            System.exit(2);
        }
        new ApiBench(quick).run(jar);
    }

    private void run(Path jar) throws Exception {
        Path tmp = Files.createTempDirectory("apibench");
        long t0 = System.nanoTime();
        int exit;
        try (ServerProcess server = ServerProcess.start(jar, tmp.resolve("data"), "512m")) {
            progress("server pid " + server.pid() + " at " + server.server());
            SSLContext tls = AdminTls.context(server.tlsDir());
            URI base = URI.create(server.server());
            try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls)
                    .connectTimeout(Duration.ofSeconds(30)).build()) {
                awaitReady(client, base);
                measure(server, client, tls, base);
            }
            notes.add(String.format(Locale.ROOT, "server peak RSS (VmHWM) %.0f MB", server.peakRss() / MB));
            server.close();
            exit = server.exitValue();
        }
        notes.add("server exit code after SIGTERM: " + exit + "; total time "
                + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s");
        deleteTree(tmp);
        print();
    }

    private void measure(ServerProcess server, HttpClient client, SSLContext tls, URI base) throws Exception {
        ConfigMapCalls calls = new ConfigMapCalls(base);
        LoadRunner load = new LoadRunner(client);
        Duration open = Duration.ofSeconds(quick ? 4 : 15);
        Duration closed = Duration.ofSeconds(quick ? 3 : 10);
        Duration warm = Duration.ofSeconds(quick ? 2 : 5);

        server.gc();
        long idle = server.rss();
        for (String ns : List.of("bench-create", "bench-list", "bench-watch", "bench-warm")) {
            expect(client.send(calls.createNamespace(ns), HttpResponse.BodyHandlers.ofString()), 201);
        }

        progress("setup: " + LIST_SIZE + " configmaps in bench-list");
        AtomicReferenceArray<String> versions = new AtomicReferenceArray<>(LIST_SIZE);
        load.all(new LoadRunner.Operation() {
            @Override
            public java.net.http.HttpRequest request(int i) {
                return calls.create("bench-list", "cm-" + i);
            }

            @Override
            public void succeeded(int i, String body) {
                versions.set(i, ConfigMapCalls.resourceVersion(body));
            }
        }, LIST_SIZE, CLIENTS);
        String listed = client.send(calls.list("bench-list", ""), HttpResponse.BodyHandlers.ofString()).body();
        if (ConfigMapCalls.count(listed, "cm-") != LIST_SIZE) {
            throw new IllegalStateException("bench-list lists " + ConfigMapCalls.count(listed, "cm-") + " objects, not " + LIST_SIZE);
        }
        notes.add(String.format(Locale.ROOT, "a list of the %,d configmaps is %,d bytes", LIST_SIZE, listed.length()));

        LoadRunner.Operation getOp = i -> calls.get("bench-list", "cm-" + (i % LIST_SIZE));
        LoadRunner.Operation updateOp = calls.updates("bench-list", versions);
        LoadRunner.Operation listOp = i -> calls.list("bench-list", "");
        LoadRunner.Operation listCachedOp = i -> calls.list("bench-list", "resourceVersion=0");
        LoadRunner.Operation pagesOp = calls.pages("bench-list", 500);

        progress("warm-up");
        load.closedLoop(i -> calls.create("bench-warm", "w-" + i), CLIENTS, warm);
        // The open loop warms up too: without this, the first open-loop phase (creates) paid for
        // the cold open-loop path with a p99 of 225-290 ms, where the same creates run right
        // after it had 11 ms.
        load.openLoop(i -> calls.create("bench-warm", "o-" + i), RATE, warm);
        for (LoadRunner.Operation op : List.of(getOp, updateOp, listOp, listCachedOp, pagesOp)) {
            load.closedLoop(op, CLIENTS, warm.dividedBy(2));
        }

        String openMode = "open " + RATE + "/s " + open.toSeconds() + "s";
        String closedMode = "closed " + CLIENTS + "c " + closed.toSeconds() + "s";
        String listMode = "closed 2c " + closed.toSeconds() + "s";
        progress("create");
        add(load.openLoop(i -> calls.create("bench-create", "o-" + i), RATE, open), "create configmap (2 KB)", openMode);
        add(load.closedLoop(i -> calls.create("bench-create", "c-" + i), CLIENTS, closed), "create configmap (2 KB)", closedMode);
        progress("update");
        add(load.openLoop(updateOp, RATE, open), "update (PUT, resourceVersion)", openMode);
        add(load.closedLoop(updateOp, CLIENTS, closed), "update (PUT, resourceVersion)", closedMode);
        progress("get");
        add(load.openLoop(getOp, RATE, open), "get configmap", openMode);
        add(load.closedLoop(getOp, CLIENTS, closed), "get configmap", closedMode);
        progress("list");
        add(load.closedLoop(listOp, 2, closed), "list 1,000 (consistent read)", listMode);
        add(load.closedLoop(listCachedOp, 2, closed), "list 1,000 (resourceVersion=0)", listMode);
        add(load.closedLoop(pagesOp, 2, closed), "list 1,000 limit=500 (per page)", listMode);

        server.gc();
        long loaded = server.rss();
        notes.add(String.format(Locale.ROOT, "server RSS after a full GC: idle %.0f MB, after the runs above %.0f MB",
                idle / MB, loaded / MB));
        watch(server, client, tls, base, calls);
    }

    private void watch(ServerProcess server, HttpClient client, SSLContext tls, URI base, ConfigMapCalls calls) throws Exception {
        int n = quick ? 100 : 1_000;
        int events = quick ? 3 : 5;
        String rv = ConfigMapCalls.resourceVersion(
                client.send(calls.list("bench-watch", ""), HttpResponse.BodyHandlers.ofString()).body());
        // Outpost sends a watch's response headers with its first event (kube-apiserver flushes them
        // at once): watching from before this anchor gives every watch a first event straight away.
        expect(client.send(calls.create("bench-watch", "anchor"), HttpResponse.BodyHandlers.ofString()), 201);
        server.gc();
        long before = server.rss();
        long heapBefore = server.heapUsed();
        progress("opening " + n + " watches");
        try (WatchFanout fanout = new WatchFanout(tls, base, "bench-watch", rv)) {
            long opening = System.nanoTime();
            fanout.open(n);
            long openMillis = (System.nanoTime() - opening) / 1_000_000;
            Thread.sleep(2_000);
            server.gc();
            long after = server.rss();
            long heapAfter = server.heapUsed();
            notes.add(String.format(Locale.ROOT, "live Java heap after a full GC %.1f MB before the watches, %.1f MB with them: "
                    + "%.1f KB per watcher", heapBefore / MB, heapAfter / MB, (heapAfter - heapBefore) / 1024.0 / n));
            notes.add(String.format(Locale.ROOT, "%,d watches opened in %,d ms; server RSS after a full GC %.0f MB before, "
                    + "%.0f MB with them open: %.1f MB in all, %.1f KB per watcher", n, openMillis, before / MB, after / MB,
                    (after - before) / MB, (after - before) / 1024.0 / n));
            progress("fan-out");
            Latencies delivery = fanout.deliver(events, i -> calls.create("bench-watch", "fanout-" + i), client);
            rows.add(String.format(Locale.ROOT, "%-34s %-18s %7d %6d %8s %8.2f %8.2f %8.2f",
                    "watch event to " + n + " watchers", events + " creates, 1 by 1", delivery.count(), delivery.errors(), "-",
                    delivery.percentileMillis(50), delivery.percentileMillis(99), delivery.percentileMillis(100)));
            if (delivery.firstError() != null) {
                notes.add("fan-out: " + delivery.firstError());
            }
            if (fanout.ended() > 0) {
                notes.add(fanout.ended() + " watches ended before the bench closed them");
            }
        }
    }

    /** A row of the table, and the first failure of the run if it had any. */
    private void add(Latencies run, String operation, String mode) {
        rows.add(run.row(operation, mode));
        if (run.firstError() != null) {
            notes.add(operation + ", " + mode + ": " + run.errors() + " failed; the first: " + run.firstError());
        }
    }

    private static void awaitReady(HttpClient client, URI base) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                var r = client.send(java.net.http.HttpRequest.newBuilder(base.resolve("/readyz")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().strip().equals("ok")) {
                    return;
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("/readyz did not answer ok within 60 s");
            }
            Thread.sleep(100);
        }
    }

    private static void expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().method() + " " + response.request().uri() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
    }

    private void print() {
        System.out.println();
        System.out.println("ApiBench " + (quick ? "quick" : "full") + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, JDK " + Runtime.version() + "; latency in ms, open loop from when each request was due");
        System.out.println(Latencies.header());
        rows.forEach(System.out::println);
        notes.forEach(n -> System.out.println("- " + n));
    }

    private static void progress(String what) {
        System.err.println("[apibench] " + what);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
