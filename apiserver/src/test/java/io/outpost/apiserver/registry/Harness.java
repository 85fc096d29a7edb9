package io.outpost.apiserver.registry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.UserInfo;
import io.outpost.api.ResourceType;
import io.outpost.store.KvStore;
import io.outpost.store.memory.InMemoryKvStore;
import io.outpost.testing.FakeClock;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A registry over an in-memory store with a fake clock, a seeded random and a namespace
 * finalizer queue the test runs by hand ({@link #runFinalizers}). Requests are built from a
 * {@link Target} and a query string.
 */
final class Harness {

    static final UserInfo ADMIN = new UserInfo("admin", List.of(UserInfo.MASTERS, UserInfo.AUTHENTICATED));

    final FakeClock clock = new FakeClock();
    final KvStore kv;
    final ArrayDeque<Runnable> finalizers = new ArrayDeque<>();
    final Registry registry;

    Harness() {
        this(new InMemoryKvStore(new FakeClock()));
    }

    Harness(KvStore kv) {
        this(kv, 1_000);
    }

    /** @param watcherBuffer how many events a watch may have waiting before it is ended */
    Harness(KvStore kv, int watcherBuffer) {
        this(kv, watcherBuffer, false);
    }

    /** @param garbageCollector whether deletes leave the collector's finalizers (see RegistryConfig) */
    Harness(KvStore kv, int watcherBuffer, boolean garbageCollector) {
        this(kv, watcherBuffer, garbageCollector, false);
    }

    /** @param namespaceController whether deleted namespaces wait for a namespace controller (see RegistryConfig) */
    Harness(KvStore kv, int watcherBuffer, boolean garbageCollector, boolean namespaceController) {
        this(kv, watcherBuffer, garbageCollector, namespaceController, RegistryConfig.DEFAULT_EVENT_TTL);
    }

    /** @param eventTtl how long an Event lives after its latest write (see RegistryConfig) */
    Harness(KvStore kv, Duration eventTtl) {
        this(kv, 1_000, false, false, eventTtl);
    }

    private Harness(KvStore kv, int watcherBuffer, boolean garbageCollector, boolean namespaceController, Duration eventTtl) {
        this.kv = kv;
        this.registry = new Registry(new RegistryConfig(kv, Fixtures.ALL, clock, new Random(42), finalizers::add,
                Duration.ofMinutes(30), Duration.ofMinutes(1), Duration.ofMillis(5), 10_000, watcherBuffer, garbageCollector,
                namespaceController, eventTtl));
        registry.start();
    }

    /** A harness whose registry runs as if a namespace controller were there. */
    static Harness withNamespaceController() {
        return new Harness(new InMemoryKvStore(new FakeClock()), 1_000, false, true);
    }

    /** A harness whose registry runs as if a garbage collector were there. */
    static Harness withGarbageCollector() {
        return new Harness(new InMemoryKvStore(new FakeClock()), 1_000, true);
    }

    /** The answer and its body as a tree. */
    record Answer(int status, JsonNode body, ApiResponse response) {
        String reason() {
            return body.path("reason").asString("");
        }

        String message() {
            return body.path("message").asString("");
        }

        String rv() {
            return body.path("metadata").path("resourceVersion").asString("");
        }
    }

    Answer call(String method, Target target, String query, String body) {
        ApiResponse response = registry.handle(request(method, query, body, Map.of()), target);
        JsonNode tree = response instanceof ApiResponse.Full f && f.body().length > 0
                ? Responses.JSON.readTree(f.body()) : Responses.JSON.nullNode();
        return new Answer(response.status(), tree, response);
    }

    static ApiRequest request(String method, String query, String body, Map<String, List<String>> headers) {
        Map<String, List<String>> q = new HashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                q.computeIfAbsent(eq < 0 ? pair : pair.substring(0, eq), k -> new java.util.ArrayList<>())
                        .add(eq < 0 ? "" : pair.substring(eq + 1));
            }
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        return new ApiRequest(method, "/test", q, headers, bytes, ADMIN);
    }

    Answer create(ResourceType type, String namespace, String json) {
        return call("POST", Target.collection(type, namespace), "", json);
    }

    Answer get(ResourceType type, String namespace, String name) {
        return call("GET", Target.object(type, namespace, name), "", null);
    }

    Answer put(ResourceType type, String namespace, String name, String json) {
        return call("PUT", Target.object(type, namespace, name), "", json);
    }

    /** A PATCH of {@code contentType} (e.g. {@code application/merge-patch+json}) with {@code query}. */
    Answer patch(ResourceType type, String namespace, String name, String contentType, String query, String body) {
        ApiResponse response = registry.handle(request("PATCH", query, body, Map.of("content-type", List.of(contentType))),
                Target.object(type, namespace, name));
        JsonNode tree = response instanceof ApiResponse.Full f && f.body().length > 0
                ? Responses.JSON.readTree(f.body()) : Responses.JSON.nullNode();
        return new Answer(response.status(), tree, response);
    }

    Answer delete(ResourceType type, String namespace, String name, String json) {
        return call("DELETE", Target.object(type, namespace, name), "", json);
    }

    Answer list(ResourceType type, String namespace, String query) {
        return call("GET", Target.collection(type, namespace), query, null);
    }

    void runFinalizers() {
        while (!finalizers.isEmpty()) {
            finalizers.poll().run();
        }
    }

    /** {@code {"metadata":{"name":n},...extra}}, with single quotes for double. */
    static String json(String text) {
        return text.replace('\'', '"');
    }

    static ObjectNode tree(String text) {
        return (ObjectNode) Responses.JSON.readTree(json(text));
    }
}
