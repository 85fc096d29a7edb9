package io.outpost.apiserver.http;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sends each request to the handler mounted on its path: an exact path wins over a prefix, and a
 * longer prefix over a shorter one. A prefix {@code /apis/apps} matches {@code /apis/apps} and
 * everything under {@code /apis/apps/}, not {@code /apis/appsx}. Nothing mounted: kube's 404
 * {@code the server could not find the requested resource}.
 *
 * <p>Built once at start (duplicates are refused) and immutable after; thread-safe.
 */
public final class Router implements ApiHandler {

    private final Map<String, ApiHandler> exact;
    private final List<Map.Entry<String, ApiHandler>> prefixes; // longest first

    private Router(Map<String, ApiHandler> exact, Map<String, ApiHandler> prefixes) {
        this.exact = Map.copyOf(exact);
        this.prefixes = prefixes.entrySet().stream()
                .sorted(Comparator.comparingInt((Map.Entry<String, ApiHandler> e) -> e.getKey().length()).reversed())
                .map(e -> Map.entry(e.getKey(), e.getValue()))
                .toList();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ApiResponse handle(ApiRequest request) throws Exception {
        Optional<ApiHandler> handler = route(request.path());
        return handler.isPresent() ? handler.get().handle(request) : notFound();
    }

    /** The handler for {@code path}, if any. */
    public Optional<ApiHandler> route(String path) {
        ApiHandler h = exact.get(path);
        if (h != null) {
            return Optional.of(h);
        }
        for (Map.Entry<String, ApiHandler> e : prefixes) {
            String p = e.getKey();
            if (path.equals(p) || path.startsWith(p.endsWith("/") ? p : p + "/")) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    public static ApiResponse.Full notFound() {
        return Statuses.failure(404, "NotFound", "the server could not find the requested resource");
    }

    public static final class Builder {
        private final Map<String, ApiHandler> exact = new HashMap<>();
        private final Map<String, ApiHandler> prefixes = new HashMap<>();

        private Builder() {
        }

        /** Mounts {@code handler} on exactly {@code path}. */
        public Builder exact(String path, ApiHandler handler) {
            if (exact.putIfAbsent(path, handler) != null) {
                throw new IllegalArgumentException("a handler is already mounted on " + path);
            }
            return this;
        }

        /** Mounts {@code handler} on {@code prefix} and everything under it. */
        public Builder prefix(String prefix, ApiHandler handler) {
            if (prefixes.putIfAbsent(prefix, handler) != null) {
                throw new IllegalArgumentException("a handler is already mounted under " + prefix);
            }
            return this;
        }

        public Router build() {
            return new Router(exact, prefixes);
        }
    }
}
