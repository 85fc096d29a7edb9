package io.outpost.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

/**
 * Many concurrent watches of one namespace's configmaps, each on its own HTTP/1.1 connection (as
 * informers in separate processes would be), read as streams of lines by a {@link HttpClient} of
 * their own: one selector thread for all, no thread per watch.
 *
 * <p>{@link #deliver} creates configmaps {@code fanout-0}, {@code fanout-1}, ... one at a time and
 * records, for every watcher, the time from just before the create was sent to the arrival of its
 * ADDED event. The clock is the client's, so the time includes the create's own round trip and the
 * client's reading of the event, one line after another on the selector thread.
 */
final class WatchFanout implements AutoCloseable {

    private static final String MARK = "\"name\":\"fanout-";

    private final HttpClient client;
    private final URI watchUri;
    private final List<Watcher> watchers = new ArrayList<>();
    private final AtomicInteger ended = new AtomicInteger();
    private volatile CountDownLatch[] rounds = new CountDownLatch[0];
    private volatile long[][] arrivals = new long[0][];

    WatchFanout(SSLContext tls, URI server, String namespace, String resourceVersion) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(tls)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        this.watchUri = server.resolve("/api/v1/namespaces/" + namespace + "/configmaps?watch=true&resourceVersion="
                + resourceVersion);
    }

    /**
     * Opens {@code n} watches, at most 32 handshakes at a time, and returns once each has its
     * response headers. The server sends the headers of a watch only with its first event, so the
     * resourceVersion given to the constructor must be older than some object in the namespace
     * (an anchor): its replayed ADDED event is each watch's first, and proves it registered.
     */
    void open(int n) throws Exception {
        Semaphore handshakes = new Semaphore(32);
        List<CompletableFuture<Void>> opened = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Watcher watcher = new Watcher(watchers.size());
            watchers.add(watcher);
            handshakes.acquire();
            watcher.first.whenComplete((r, e) -> handshakes.release());
            opened.add(watcher.first);
            HttpRequest request = HttpRequest.newBuilder(watchUri).GET().build();
            // sendAsync with a line subscriber completes only when the stream ends: a watch counts
            // as open at its first line instead.
            client.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(watcher))
                    .whenComplete((r, e) -> {
                        if (e != null) {
                            watcher.first.completeExceptionally(e);
                        }
                    });
        }
        for (CompletableFuture<Void> f : opened) {
            f.get(120, TimeUnit.SECONDS);
        }
    }

    /**
     * Runs {@code count} rounds of one create each and returns every watcher's delivery latency of
     * every round.
     */
    Latencies deliver(int count, LoadRunner.Operation create, HttpClient writer) throws Exception {
        int n = watchers.size();
        CountDownLatch[] latches = new CountDownLatch[count];
        long[][] times = new long[count][n];
        for (int r = 0; r < count; r++) {
            latches[r] = new CountDownLatch(n);
        }
        arrivals = times;
        rounds = latches;
        Latencies out = new Latencies(count * n);
        long started = System.nanoTime();
        for (int r = 0; r < count; r++) {
            long sent = System.nanoTime();
            HttpResponse<String> response = writer.send(create.request(r), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                throw new IllegalStateException("the fan-out create was answered " + response.statusCode() + ": " + response.body());
            }
            if (!latches[r].await(60, TimeUnit.SECONDS)) {
                out.error(latches[r].getCount() + " watchers did not get event " + r + " within 60 s");
            }
            for (int w = 0; w < n; w++) {
                if (times[r][w] != 0) {
                    out.record(times[r][w] - sent);
                }
            }
            Thread.sleep(200); // let the server settle between rounds
        }
        out.elapsed(System.nanoTime() - started);
        return out;
    }

    /** Watches the server or the network ended before {@link #close}. */
    int ended() {
        return ended.get();
    }

    /** Cancels every watch and closes every connection. */
    @Override
    public void close() throws InterruptedException {
        for (Watcher w : watchers) {
            w.cancel();
        }
        client.shutdownNow();
        client.awaitTermination(Duration.ofSeconds(30));
    }

    private final class Watcher implements Flow.Subscriber<String> {
        private final int index;
        private volatile Flow.Subscription subscription;
        private volatile boolean closing;
        final CompletableFuture<Void> first = new CompletableFuture<>();

        Watcher(int index) {
            this.index = index;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            long now = System.nanoTime();
            if (!first.isDone()) {
                if (line.startsWith("{\"type\":\"ADDED\"")) {
                    first.complete(null);
                } else {
                    first.completeExceptionally(new IllegalStateException("a watch began with " + line));
                }
            }
            int at = line.indexOf(MARK);
            if (at < 0) {
                return; // a bookmark or another object
            }
            int from = at + MARK.length();
            int round = Integer.parseInt(line, from, line.indexOf('"', from), 10);
            long[][] times = arrivals;
            CountDownLatch[] latches = rounds;
            if (round < times.length && times[round][index] == 0) {
                times[round][index] = now;
                latches[round].countDown();
            }
        }

        @Override
        public void onError(Throwable t) {
            first.completeExceptionally(t);
            if (!closing) {
                ended.incrementAndGet();
            }
        }

        @Override
        public void onComplete() {
            first.completeExceptionally(new IllegalStateException("a watch ended before its first event"));
            if (!closing) {
                ended.incrementAndGet();
            }
        }

        void cancel() {
            closing = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }
}
