package io.outpost.apiserver.registry;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.outpost.apiserver.http.ApiResponse;
import tools.jackson.databind.JsonNode;

/**
 * Runs a watch's stream body on its own thread, as the transport would, and hands the test its
 * events one by one. The waits have a generous bound only so that a broken stream fails the test
 * instead of hanging it; no test asserts on time.
 */
final class WatchClient implements AutoCloseable {

    private static final long FAILSAFE_SECONDS = 20;

    private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Thread thread;
    volatile boolean open = true;
    /** Every write signals {@code writing}; if {@code release} is set, it waits for it. */
    final CountDownLatch writing = new CountDownLatch(1);
    final CountDownLatch release;

    WatchClient(ApiResponse response) {
        this(response, null);
    }

    /** A client whose writes block until {@code release} opens: set before the stream starts, so no write slips past. */
    WatchClient(ApiResponse response, CountDownLatch release) {
        this.release = release;
        if (!(response instanceof ApiResponse.Streaming streaming)) {
            throw new AssertionError("not a stream: " + new String(((ApiResponse.Full) response).body(), StandardCharsets.UTF_8));
        }
        ApiResponse.StreamSink sink = new ApiResponse.StreamSink() {
            @Override
            public void write(byte[] chunk) throws InterruptedException {
                String line = new String(chunk, StandardCharsets.UTF_8);
                if (!line.endsWith("\n") || line.indexOf('\n') != line.length() - 1) {
                    throw new AssertionError("an event is one line: " + line);
                }
                writing.countDown();
                CountDownLatch r = release;
                if (r != null) {
                    r.await();
                }
                events.add(Responses.JSON.readTree(line));
            }

            @Override
            public boolean isOpen() {
                return open;
            }
        };
        thread = Thread.ofVirtual().start(() -> {
            try {
                streaming.body().writeTo(sink);
            } catch (Exception e) {
                events.add(Responses.JSON.createObjectNode().put("type", "CRASH").put("error", e.toString()));
            } finally {
                ended.countDown();
            }
        });
    }

    JsonNode next() throws InterruptedException {
        JsonNode e = events.poll(FAILSAFE_SECONDS, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("no watch event arrived");
        }
        return e;
    }

    /** Waits for the stream to end by itself and returns the events it sent that were not taken. */
    java.util.List<JsonNode> awaitEnd() throws InterruptedException {
        if (!ended.await(FAILSAFE_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("the watch did not end");
        }
        java.util.List<JsonNode> rest = new java.util.ArrayList<>();
        events.drainTo(rest);
        return rest;
    }

    @Override
    public void close() throws InterruptedException {
        open = false;
        CountDownLatch r = release;
        if (r != null) {
            r.countDown();
        }
        thread.join();
    }
}
