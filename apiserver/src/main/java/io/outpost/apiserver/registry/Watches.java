package io.outpost.apiserver.registry;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.watchcache.CacheWatcher;
import io.outpost.apiserver.watchcache.CachedEvent;
import io.outpost.apiserver.watchcache.WatchCache;
import io.outpost.apiserver.watchcache.WatchCaches;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET ...?watch=true}: a chunked stream of newline-delimited
 * {@code {"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":{...}}} events, objects with
 * kind and apiVersion, served from the resource's watch cache ({@link WatchCache}).
 *
 * <ul>
 *   <li>resourceVersion "" or "0": a synthetic ADDED for every selected object of the cache's
 *       state, then the changes after it; N: the changes after N, replayed from the cache's ring.
 *       N older than the ring: one ERROR event, Status 410 Expired
 *       {@code too old resource version: N (M)}, and the stream ends (clients re-list). N newer
 *       than the cache: the request waits up to 3 s for the cache, then 504 Timeout
 *       {@code Too large resource version}, as kube-apiserver.</li>
 *   <li>Selectors: an object that stops matching is sent as DELETED, one that starts matching as
 *       ADDED (kube's cacher does the same), so a client's view is exactly the selected set.</li>
 *   <li>{@code allowWatchBookmarks=true}: a BOOKMARK every {@link RegistryConfig#bookmarkPeriod}
 *       carrying the revision up to which this watch has been sent everything, which the cache
 *       advances while the resource is quiet (kube's progress bookmarks).</li>
 *   <li>{@code timeoutSeconds} ends the stream; without it a random 30-60 min (kube's default).</li>
 *   <li>Back-pressure: the watch's buffer in the cache is bounded
 *       ({@link RegistryConfig#watcherBuffer}); a client too slow to drain it is ended by the
 *       cache and the stream ends, so the client re-watches from its last resourceVersion. If the
 *       cache must re-list (its store watch failed), the stream ends with a 410 ERROR.
 *       {@code sink.write} blocks while the client does not read, so a slow client slows only
 *       its own stream.</li>
 * </ul>
 *
 * <p>Thread model: {@link #watch} registers the watcher with the cache on the request's thread
 * (waiting for freshness there) and returns; the stream body runs on the request's own virtual
 * thread, polling its watcher for at most {@link RegistryConfig#watchPollInterval} at a time so
 * that it sees deadlines and bookmark times on the injected clock. A stream that never runs
 * leaves its watcher to be ended when its buffer fills.
 */
final class Watches {

    private final WatchCaches caches;
    private final RegistryConfig config;

    Watches(WatchCaches caches, RegistryConfig config) {
        this.caches = caches;
        this.config = config;
    }

    ApiResponse watch(ApiRequest request, Target target) {
        Selection selection = Selection.from(request, target);
        String rv = request.param("resourceVersion").orElse("");
        long from = rv.isEmpty() || rv.equals("0") ? -1 : Lists.parseResourceVersion(rv);
        boolean bookmarks = request.param("allowWatchBookmarks").map("true"::equalsIgnoreCase).orElse(false);
        Duration timeout = timeout(request);
        Instant started = config.clock().instant(); // deadlines count from the request, not from when streaming starts
        ResourceType type = target.type();
        WatchCache.Opening opening;
        try {
            opening = caches.of(type).watch(type.keyPrefix(target.namespace()), from, selection::matches);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.internal("interrupted while opening the watch");
        }
        return switch (opening) {
            case WatchCache.TooNew t -> throw Lists.tooLargeResourceVersion(t.requested(), t.current());
            case WatchCache.TooOld t -> new ApiResponse.Streaming(200, "application/json", Map.of(), sink -> send(sink, type, "ERROR",
                    ApiException.expired("too old resource version: " + t.requested() + " (" + t.oldest() + ")").status()));
            case WatchCache.Opened o -> {
                Stream stream = new Stream(type, o.watcher(), selection, Math.max(from, 0), bookmarks, started.plus(timeout));
                yield new ApiResponse.Streaming(200, "application/json", Map.of(), stream::run);
            }
        };
    }

    private Duration timeout(ApiRequest request) {
        String t = request.param("timeoutSeconds").orElse("");
        if (!t.isEmpty()) {
            long seconds;
            try {
                seconds = Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("timeoutSeconds must be an integer, not \"" + t + "\"");
            }
            if (seconds > 0) {
                return Duration.ofSeconds(seconds);
            }
            // kube: a zero (or negative) timeout means the server's default, not "end at once"
        }
        long min = config.minRequestTimeout().toMillis();
        return Duration.ofMillis(min + config.random().nextLong(min));
    }

    /** One watch stream: its state lives on the request's thread only. */
    private final class Stream {
        private final ResourceType type;
        private final CacheWatcher watcher;
        private final Selection selection;
        private final boolean bookmarks;
        private final Instant deadline;
        /** Everything up to this revision has been sent: what a bookmark carries. */
        private long sentThrough;

        Stream(ResourceType type, CacheWatcher watcher, Selection selection, long from, boolean bookmarks, Instant deadline) {
            this.type = type;
            this.watcher = watcher;
            this.selection = selection;
            this.sentThrough = from;
            this.bookmarks = bookmarks;
            this.deadline = deadline;
        }

        void run(ApiResponse.StreamSink sink) throws IOException, InterruptedException {
            Instant nextBookmark = config.clock().instant().plus(config.bookmarkPeriod());
            try (watcher) {
                while (sink.isOpen()) {
                    Instant now = config.clock().instant();
                    if (!now.isBefore(deadline)) {
                        return;
                    }
                    if (bookmarks && !now.isBefore(nextBookmark)) {
                        send(sink, type, "BOOKMARK", bookmark());
                        nextBookmark = now.plus(config.bookmarkPeriod());
                    }
                    switch (watcher.poll(config.watchPollInterval())) {
                        case CacheWatcher.Ended e -> {
                            if (e.reason() == CacheWatcher.Reason.EXPIRED) {
                                send(sink, type, "ERROR", ApiException.expired(e.message()).status());
                            }
                            return; // fell behind or closed: the stream ends and the client re-watches
                        }
                        case CacheWatcher.Events batch -> {
                            for (CachedEvent e : batch.events()) {
                                forward(sink, e);
                            }
                            sentThrough = Math.max(sentThrough, batch.progress());
                        }
                    }
                }
            }
        }

        private void forward(ApiResponse.StreamSink sink, CachedEvent e) throws IOException, InterruptedException {
            if (e.type() == CachedEvent.Type.DELETED) {
                if (selection.matches(e.object())) {
                    send(sink, type, "DELETED", e.object());
                }
                return;
            }
            boolean matchesNow = selection.matches(e.object());
            boolean matchedBefore = e.previous() != null && (selection.everything() || selection.matches(e.previous()));
            if (matchesNow) {
                send(sink, type, matchedBefore ? "MODIFIED" : "ADDED", e.object());
            } else if (matchedBefore) {
                send(sink, type, "DELETED", e.object());
            }
        }

        private ObjectNode bookmark() {
            ObjectNode b = Responses.JSON.createObjectNode();
            b.putObject("metadata").put("resourceVersion", Long.toString(sentThrough));
            return b;
        }
    }

    /** Writes one event line; the object is not modified (cache trees are shared). */
    private static void send(ApiResponse.StreamSink sink, ResourceType type, String eventType, ObjectNode object)
            throws IOException, InterruptedException {
        ObjectNode event = Responses.JSON.createObjectNode();
        event.put("type", eventType);
        event.set("object", eventType.equals("ERROR") ? object : ObjectMeta.withTypeMeta(object, type));
        byte[] line = Responses.JSON.writeValueAsBytes(event);
        byte[] chunk = java.util.Arrays.copyOf(line, line.length + 1);
        chunk[line.length] = '\n';
        sink.write(chunk);
    }
}
