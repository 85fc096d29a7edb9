package io.outpost.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The requests {@link ApiBench} sends: configmaps of about 2 KB of data (a typical application
 * config) created, read, replaced with optimistic concurrency and listed, in JSON as client-go
 * and fabric8 send them.
 */
final class ConfigMapCalls {

    /** The first resourceVersion of a body is its own: the server writes metadata first. */
    private static final Pattern RESOURCE_VERSION = Pattern.compile("\"resourceVersion\":\"(\\d+)\"");
    private static final Pattern CONTINUE = Pattern.compile("\"continue\":\"([^\"]*)\"");
    private static final String PAYLOAD = "x".repeat(2_000);

    private final URI server;

    ConfigMapCalls(URI server) {
        this.server = server;
    }

    HttpRequest createNamespace(String name) {
        return post("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"}}");
    }

    HttpRequest create(String namespace, String name) {
        return post(collection(namespace), body(name, null, "created"));
    }

    HttpRequest get(String namespace, String name) {
        return HttpRequest.newBuilder(server.resolve(collection(namespace) + "/" + name)).GET().build();
    }

    /** A replace (PUT) that the server refuses with 409 unless {@code resourceVersion} is current. */
    HttpRequest update(String namespace, String name, String resourceVersion, int change) {
        return HttpRequest.newBuilder(server.resolve(collection(namespace) + "/" + name))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body(name, resourceVersion, "update " + change)))
                .build();
    }

    HttpRequest list(String namespace, String query) {
        return HttpRequest.newBuilder(server.resolve(collection(namespace) + (query.isEmpty() ? "" : "?" + query))).GET().build();
    }

    /**
     * Replaces the objects {@code cm-0} ... {@code cm-(N-1)}, request {@code i} the object
     * {@code i mod N}, each with the resourceVersion its last answer gave.
     */
    LoadRunner.Operation updates(String namespace, AtomicReferenceArray<String> versions) {
        return new LoadRunner.Operation() {
            @Override
            public HttpRequest request(int i) {
                int k = i % versions.length();
                return update(namespace, "cm-" + k, versions.get(k), i);
            }

            @Override
            public void succeeded(int i, String body) {
                versions.set(i % versions.length(), resourceVersion(body));
            }
        };
    }

    /**
     * Lists {@code namespace} in pages of {@code limit}, each worker thread following its own
     * continue token: request after request, the first page, the next, ..., the first again.
     */
    LoadRunner.Operation pages(String namespace, int limit) {
        ThreadLocal<String> token = new ThreadLocal<>();
        return new LoadRunner.Operation() {
            @Override
            public HttpRequest request(int i) {
                String t = token.get();
                return list(namespace, "limit=" + limit + (t == null ? "" : "&continue=" + t));
            }

            @Override
            public void succeeded(int i, String body) {
                Matcher m = CONTINUE.matcher(body);
                token.set(m.find() && !m.group(1).isEmpty() ? m.group(1) : null);
            }
        };
    }

    static String resourceVersion(String body) {
        Matcher m = RESOURCE_VERSION.matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no resourceVersion in " + body);
        }
        return m.group(1);
    }

    /** How many items named {@code prefix...} a list body holds. */
    static int count(String body, String prefix) {
        int n = 0;
        String mark = "\"name\":\"" + prefix;
        for (int at = body.indexOf(mark); at >= 0; at = body.indexOf(mark, at + 1)) {
            n++;
        }
        return n;
    }

    private HttpRequest post(String path, String json) {
        return HttpRequest.newBuilder(server.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }

    private static String collection(String namespace) {
        return "/api/v1/namespaces/" + namespace + "/configmaps";
    }

    private static String body(String name, String resourceVersion, String note) {
        String rv = resourceVersion == null ? "" : ",\"resourceVersion\":\"" + resourceVersion + "\"";
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"" + rv
                + ",\"labels\":{\"app\":\"apibench\"}},\"data\":{\"note\":\"" + note + "\",\"payload\":\"" + PAYLOAD + "\"}}";
    }
}
