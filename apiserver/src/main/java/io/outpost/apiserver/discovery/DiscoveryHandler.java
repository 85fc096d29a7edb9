package io.outpost.apiserver.discovery;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.outpost.api.GroupVersion;
import io.outpost.api.ResourceTypes;
import io.outpost.apiserver.http.ApiHandler;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.Statuses;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves discovery: {@code GET /api}, {@code /apis} (aggregated v2 or v2beta1, or legacy, by the
 * Accept list), {@code /api/v1}, {@code /apis/<group>} and {@code /apis/<group>/<version>}. The
 * router sends it exactly these paths; anything else under them is a 404 {@code Status}.
 *
 * <p>Every document is rendered once, at construction, from an immutable {@link ResourceTypes}
 * (only {@code /api}'s legacy form, which names the address the client used, is built per
 * request). Aggregated answers carry an {@code ETag}, and a matching {@code If-None-Match} gets
 * 304: kubectl's HTTP cache re-validates with it (wire contract §2). When custom resources
 * arrive, discovery changes at run time: build a new handler from the new types and swap it
 * in atomically.
 *
 * <p>Thread model: immutable and stateless after construction; called concurrently on request
 * virtual threads.
 */
public final class DiscoveryHandler implements ApiHandler {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final String JSON_TYPE = "application/json";
    private static final String NOT_FOUND = "the server could not find the requested resource";

    /** A rendered document with its validator. */
    private record Document(String contentType, byte[] body, String etag) {
        static Document of(String contentType, JsonNode tree) {
            byte[] body = JSON.writeValueAsBytes(tree);
            return new Document(contentType, body, entityTag(body));
        }
    }

    private final Map<DiscoveryFormat, Document> aggregatedCore = new EnumMap<>(DiscoveryFormat.class);
    private final Map<DiscoveryFormat, Document> aggregatedGroups = new EnumMap<>(DiscoveryFormat.class);
    private final Document legacyGroups;
    /** {@code /api/v1}, {@code /apis/<g>}, {@code /apis/<g>/<v>}. */
    private final Map<String, Document> fixed = new HashMap<>();

    public DiscoveryHandler(ResourceTypes types) {
        for (DiscoveryFormat format : List.of(DiscoveryFormat.AGGREGATED_V2, DiscoveryFormat.AGGREGATED_V2BETA1)) {
            aggregatedCore.put(format, Document.of(format.contentType(), AggregatedDiscovery.core(types, format)));
            aggregatedGroups.put(format, Document.of(format.contentType(), AggregatedDiscovery.groups(types, format)));
        }
        legacyGroups = Document.of(JSON_TYPE, LegacyDiscovery.apiGroupList(types));
        for (GroupVersion gv : types.groupVersions()) {
            String prefix = gv.core() ? "/api/" : "/apis/";
            fixed.put(prefix + gv.apiVersion(), Document.of(JSON_TYPE, LegacyDiscovery.apiResourceList(types, gv)));
            if (!gv.core()) {
                fixed.putIfAbsent("/apis/" + gv.group(), Document.of(JSON_TYPE, LegacyDiscovery.apiGroup(types, gv.group())));
            }
        }
    }

    @Override
    public ApiResponse handle(ApiRequest request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return Statuses.failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        }
        String path = request.path().length() > 1 && request.path().endsWith("/")
                ? request.path().substring(0, request.path().length() - 1) : request.path();
        return switch (path) {
            case "/api" -> root(request, aggregatedCore, () -> Document.of(JSON_TYPE, LegacyDiscovery.apiVersions(request.header("host").orElse(null))));
            case "/apis" -> root(request, aggregatedGroups, () -> legacyGroups);
            default -> {
                Document doc = fixed.get(path);
                yield doc == null ? Statuses.failure(404, "NotFound", NOT_FOUND) : answer(200, doc, Map.of());
            }
        };
    }

    private ApiResponse root(ApiRequest request, Map<DiscoveryFormat, Document> aggregated, Supplier<Document> legacy) {
        Optional<DiscoveryFormat> format = DiscoveryFormat.negotiate(request.headers().getOrDefault("accept", List.of()));
        if (format.isEmpty()) {
            return Statuses.failure(406, "NotAcceptable", "only the following media types are accepted: " + JSON_TYPE + ", "
                    + DiscoveryFormat.AGGREGATED_V2.contentType() + ", " + DiscoveryFormat.AGGREGATED_V2BETA1.contentType());
        }
        if (!format.get().aggregated()) {
            return answer(200, legacy.get(), Map.of("Vary", "Accept"));
        }
        Document doc = aggregated.get(format.get());
        Map<String, String> headers = Map.of("Vary", "Accept", "ETag", doc.etag());
        if (request.header("if-none-match").map(h -> matches(h, doc.etag())).orElse(false)) {
            return new ApiResponse.Full(304, doc.contentType(), headers, new byte[0]);
        }
        return answer(200, doc, headers);
    }

    private static ApiResponse answer(int status, Document doc, Map<String, String> headers) {
        return new ApiResponse.Full(status, doc.contentType(), headers, doc.body());
    }

    /** {@code If-None-Match} holds {@code *} or a list of (possibly weak) entity tags. */
    private static boolean matches(String ifNoneMatch, String etag) {
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.trim();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals("*") || t.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static String entityTag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
