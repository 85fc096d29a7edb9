package io.outpost.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives one operation against the server, two ways:
 *
 * <ul>
 * <li><b>open loop</b>: request {@code i} is due at {@code start + i / rate}, whether or not earlier
 * ones have answered, each on its own virtual thread. Latency counts from when the request was
 * due, not from when it was sent, so a stalled server is charged for the requests that queued
 * behind the stall (no coordinated omission).
 * <li><b>closed loop</b>: {@code clients} threads, each sending its next request when the last one
 * answered, for a fixed time: the throughput the server reaches when pushed.
 * </ul>
 *
 * Every request goes through one {@link HttpClient} (HTTP/1.1, a keep-alive connection per
 * request in flight).
 */
final class LoadRunner {

    /** What to send for the {@code i}-th request, and what to learn from its answer. */
    interface Operation {
        HttpRequest request(int i);

        default void succeeded(int i, String body) {
        }
    }

    private final HttpClient client;

    LoadRunner(HttpClient client) {
        this.client = client;
    }

    static final int MAX_IN_FLIGHT = 64;

    Latencies openLoop(Operation op, int perSecond, Duration duration) throws InterruptedException {
        int n = (int) (perSecond * duration.toMillis() / 1000);
        Latencies out = new Latencies(n);
        double period = 1e9 / perSecond;
        long start = System.nanoTime();
        // At most MAX_IN_FLIGHT requests at once, as a real client's connection pool allows: an
        // uncapped loop opened a new mTLS connection per waiting request and snowballed after
        // one server pause. A request held back still counts from when it was due.
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                long due = start + (long) (i * period);
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                int index = i;
                inFlight.acquire();
                requests.execute(() -> {
                    try {
                        call(op, index, due, out);
                    } finally {
                        inFlight.release();
                    }
                });
            }
        } // close() waits for every request to answer
        out.elapsed(System.nanoTime() - start);
        return out;
    }

    Latencies closedLoop(Operation op, int clients, Duration duration) throws InterruptedException {
        Latencies out = new Latencies(2_000_000);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        Thread[] workers = new Thread[clients];
        for (int w = 0; w < clients; w++) {
            int worker = w;
            // Worker w sends requests w, w + clients, ...: with an operation that maps i to an
            // object by i mod N, where clients divides N, no two workers touch one object.
            workers[w] = Thread.ofVirtual().start(() -> {
                for (int k = 0; System.nanoTime() < end; k++) {
                    call(op, worker + k * clients, System.nanoTime(), out);
                }
            });
        }
        for (Thread worker : workers) {
            worker.join();
        }
        out.elapsed(System.nanoTime() - start);
        return out;
    }

    /** Runs {@code op} for {@code i} in [0, n) with {@code clients} in parallel, unmeasured (setup). */
    void all(Operation op, int n, int clients) throws InterruptedException {
        Latencies out = new Latencies(n);
        AtomicInteger next = new AtomicInteger();
        Thread[] workers = new Thread[clients];
        for (int w = 0; w < clients; w++) {
            workers[w] = Thread.ofVirtual().start(() -> {
                for (int i; (i = next.getAndIncrement()) < n;) {
                    call(op, i, System.nanoTime(), out);
                }
            });
        }
        for (Thread worker : workers) {
            worker.join();
        }
        if (out.errors() > 0) {
            throw new IllegalStateException(out.errors() + " of " + n + " setup requests failed; the first: " + out.firstError());
        }
    }

    private void call(Operation op, int i, long since, Latencies out) {
        try {
            HttpResponse<String> response = client.send(op.request(i), HttpResponse.BodyHandlers.ofString());
            long latency = System.nanoTime() - since;
            if (response.statusCode() / 100 == 2) {
                out.record(latency);
                op.succeeded(i, response.body());
            } else {
                out.error(response.statusCode() + " " + abbreviate(response.body()));
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            out.error(e.toString());
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "…";
    }
}
