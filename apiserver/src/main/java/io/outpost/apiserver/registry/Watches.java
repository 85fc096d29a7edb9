package io.outpost.apiserver.registry;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.storage.ObjectStore;
import io.outpost.apiserver.storage.Versioned;
import io.outpost.store.Event;
import io.outpost.store.StoreException;
import io.outpost.store.Watch;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET ...?watch=true}: a chunked stream of newline-delimited
 * {@code {"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":{...}}} events, objects with
 * kind and apiVersion.
 *
 * <ul>
 *   <li>resourceVersion "" or "0": a synthetic ADDED for every selected object of the current
 *       state, then the changes after it; N: the changes after N. N older than the store's
 *       compaction: one ERROR event, Status 410 Expired {@code too old resource version: N (M)},
 *       and the stream ends (clients re-list).</li>
 *   <li>Selectors: an object that stops matching is sent as DELETED, one that starts matching as
 *       ADDED (kube's cacher does the same), so a client's view is exactly the selected set.</li>
 *   <li>{@code allowWatchBookmarks=true}: a BOOKMARK every {@link RegistryConfig#bookmarkPeriod}
 *       carrying the revision of the last event this watch sent (safe to resume from; it does not
 *       advance while the resource is quiet, which a watch cache will improve).</li>
 *   <li>{@code timeoutSeconds} ends the stream; without it a random 30-60 min (kube's default).</li>
 *   <li>Back-pressure: the store's per-watch buffer is bounded; a client too slow to drain it is
 *       dropped by the store ({@link StoreException.Unavailable}) and the stream ends, so the
 *       client re-watches from its last resourceVersion. {@code sink.write} blocks while the
 *       client does not read, so a slow client slows only its own watch.</li>
 * </ul>
 *
 * <p>One store watch per request (no watch cache yet: that is the follow-up ARCHITECTURE asks
 * for). Thread model: {@link #watch} returns at once; the stream body runs on the request's own
 * virtual thread, polling the store watch for at most {@link RegistryConfig#watchPollInterval}
 * at a time so that it sees deadlines and bookmark times on the injected clock.
 */
final class Watches {

    private static final int INITIAL_PAGE = 500;

    private final ObjectStore store;
    private final RegistryConfig config;

    Watches(ObjectStore store, RegistryConfig config) {
        this.store = store;
        this.config = config;
    }

    ApiResponse watch(ApiRequest request, Target target) {
        Selection selection = Selection.from(request, target);
        String rv = request.param("resourceVersion").orElse("");
        long from = rv.isEmpty() || rv.equals("0") ? -1 : Lists.parseResourceVersion(rv);
        boolean bookmarks = request.param("allowWatchBookmarks").map("true"::equalsIgnoreCase).orElse(false);
        Duration timeout = timeout(request);
        Stream stream = new Stream(target.type(), target.type().keyPrefix(target.namespace()), selection, from, bookmarks, timeout);
        return new ApiResponse.Streaming(200, "application/json", Map.of(), stream::run);
    }

    private Duration timeout(ApiRequest request) {
        String t = request.param("timeoutSeconds").orElse("");
        if (!t.isEmpty()) {
            try {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(t)));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("timeoutSeconds must be an integer, not \"" + t + "\"");
            }
        }
        long min = config.minRequestTimeout().toMillis();
        return Duration.ofMillis(min + config.random().nextLong(min));
    }

    /** One watch stream: its state lives on the request's thread only. */
    private final class Stream {
        private final ResourceType type;
        private final String prefix;
        private final Selection selection;
        private final long from;
        private final boolean bookmarks;
        private final Duration timeout;
        private final Instant started;
        private long lastRevision;

        Stream(ResourceType type, String prefix, Selection selection, long from, boolean bookmarks, Duration timeout) {
            this.type = type;
            this.prefix = prefix;
            this.selection = selection;
            this.from = from;
            this.bookmarks = bookmarks;
            this.timeout = timeout;
            this.started = config.clock().instant(); // deadlines count from the request, not from when streaming starts
        }

        void run(ApiResponse.StreamSink sink) throws IOException, InterruptedException {
            Instant deadline = started.plus(timeout);
            Instant nextBookmark = started.plus(config.bookmarkPeriod());
            ObjectStore.Page first = from >= 0 ? null : store.list(prefix, null, INITIAL_PAGE, 0);
            long after = first == null ? from : first.revision();
            lastRevision = after;
            // The store watch opens before the initial state is sent, so that a client too slow to
            // take the initial state is dropped by the watch's bounded buffer like any other.
            try (Watch watch = store.watch(prefix, after)) {
                if (first != null) {
                    sendInitialState(sink, first);
                }
                while (sink.isOpen()) {
                    Instant now = config.clock().instant();
                    if (!now.isBefore(deadline)) {
                        return;
                    }
                    if (bookmarks && !now.isBefore(nextBookmark)) {
                        send(sink, "BOOKMARK", bookmark());
                        nextBookmark = now.plus(config.bookmarkPeriod());
                    }
                    List<Event> events;
                    try {
                        events = watch.poll(config.watchPollInterval());
                    } catch (StoreException.Compacted e) {
                        send(sink, "ERROR", ApiException.expired("too old resource version: " + from + " (" + e.compactRevision() + ")").status());
                        return;
                    } catch (StoreException.Unavailable e) {
                        return; // dropped for falling behind, or the store closed: the client re-watches
                    }
                    for (Event e : events) {
                        forward(sink, e);
                        lastRevision = e.revision();
                    }
                }
            }
        }

        /** Synthetic ADDED events for the state at the first page's revision. */
        private void sendInitialState(ApiResponse.StreamSink sink, ObjectStore.Page first) throws IOException, InterruptedException {
            ObjectStore.Page page = first;
            while (true) {
                for (Versioned v : page.items()) {
                    if (selection.matches(v.object())) {
                        send(sink, "ADDED", v.object());
                    }
                }
                if (!page.more()) {
                    return;
                }
                page = store.list(prefix, page.items().getLast().key() + '\0', INITIAL_PAGE, first.revision());
            }
        }

        private void forward(ApiResponse.StreamSink sink, Event e) throws IOException, InterruptedException {
            if (e.type() == Event.Type.DELETE) {
                ObjectNode gone = ObjectStore.decode(e.prev(), e.revision()).object();
                if (selection.matches(gone)) {
                    send(sink, "DELETED", gone);
                }
                return;
            }
            ObjectNode now = ObjectStore.decode(e.kv()).object();
            boolean matchesNow = selection.matches(now);
            boolean matchedBefore = e.prev() != null && (selection.everything() || selection.matches(ObjectStore.decode(e.prev()).object()));
            if (matchesNow) {
                send(sink, matchedBefore ? "MODIFIED" : "ADDED", now);
            } else if (matchedBefore) {
                send(sink, "DELETED", now);
            }
        }

        private ObjectNode bookmark() {
            ObjectNode b = Responses.JSON.createObjectNode();
            b.putObject("metadata").put("resourceVersion", Long.toString(lastRevision));
            return b;
        }

        private void send(ApiResponse.StreamSink sink, String eventType, ObjectNode object) throws IOException, InterruptedException {
            ObjectNode event = Responses.JSON.createObjectNode();
            event.put("type", eventType);
            event.set("object", eventType.equals("ERROR") ? object : ObjectMeta.withTypeMeta(object, type));
            byte[] line = Responses.JSON.writeValueAsBytes(event);
            byte[] chunk = java.util.Arrays.copyOf(line, line.length + 1);
            chunk[line.length] = '\n';
            sink.write(chunk);
        }
    }
}
