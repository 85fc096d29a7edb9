package io.outpost.apiserver.openapi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import io.outpost.api.ResourceTypes;
import io.outpost.apiserver.catalog.PerSnapshot;
import io.outpost.apiserver.catalog.ResourceCatalog;
import io.outpost.apiserver.http.ApiHandler;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.Router;
import io.outpost.apiserver.http.Statuses;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Serves {@code /openapi/v3} (the index: each group version's document URL with its hash) and
 * the documents at {@code /openapi/v3/api/v1} and {@code /openapi/v3/apis/<group>/<version>},
 * as kube-openapi's {@code handler3} does:
 * <ul>
 * <li>the hash is the SHA-512 of the document's JSON bytes in upper-case hex, and is also its
 *     {@code ETag} (quoted); a matching {@code If-None-Match} gets 304;
 * <li>with {@code ?hash=} equal to it, the answer is {@code Cache-Control: public, immutable} and
 *     expires in a year, so kubectl keeps it in {@code ~/.kube/cache/http} and never asks again;
 * <li>with a stale hash, a 301 to the current URL; without a hash, no caching headers (clients
 *     re-validate with the ETag).
 * </ul>
 *
 * <p>Every document is rendered once per catalog snapshot (the served resources change only when
 * a CustomResourceDefinition is established or removed); only the bytes are kept. Immutable after construction; called concurrently on
 * request virtual threads.
 */
public final class OpenApiV3Handler implements ApiHandler {

    public static final String PATH = "/openapi/v3";
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final String JSON_TYPE = "application/json";

    /** One rendered document. */
    private record Rendered(byte[] body, String hash) {
        static Rendered of(byte[] body) {
            return new Rendered(body, OpenApiV3Handler.hash(body));
        }
    }

    /** The index and the documents of one catalog snapshot. */
    private record Documents(Rendered index, Map<String, Rendered> documents) {
    }

    private final PerSnapshot<Documents> current;

    /** The documents of a fixed set of resources. */
    public OpenApiV3Handler(ResourceTypes types) {
        this(new ResourceCatalog(types));
    }

    /** The documents of what {@code catalog} serves, rebuilt on the first request after it changes. */
    public OpenApiV3Handler(ResourceCatalog catalog) {
        this.current = new PerSnapshot<>(catalog, OpenApiV3Handler::render);
    }

    private static Documents render(ResourceCatalog.Snapshot snapshot) {
        Map<String, ObjectNode> trees = OpenApiDocuments.v3(snapshot);
        ObjectNode paths = JsonNodeFactory.instance.objectNode();
        Map<String, Rendered> rendered = new LinkedHashMap<>();
        trees.forEach((key, tree) -> {
            Rendered doc = Rendered.of(JSON.writeValueAsBytes(tree));
            rendered.put(PATH + "/" + key, doc);
            paths.putObject(key).put("serverRelativeURL", PATH + "/" + key + "?hash=" + doc.hash());
        });
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.set("paths", paths);
        return new Documents(Rendered.of(JSON.writeValueAsBytes(root)), Map.copyOf(rendered));
    }

    /** Mounts the index and the documents. */
    public void mountOn(Router.Builder router) {
        router.exact(PATH, this);
        router.prefix(PATH + "/", this);
    }

    @Override
    public ApiResponse handle(ApiRequest request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return Statuses.failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        }
        String path = request.path().length() > PATH.length() && request.path().endsWith("/")
                ? request.path().substring(0, request.path().length() - 1) : request.path();
        Documents docs = current.get();
        if (path.equals(PATH)) {
            return answer(request, docs.index(), Map.of());
        }
        Rendered doc = docs.documents().get(path);
        if (doc == null) {
            return Router.notFound();
        }
        String hash = request.param("hash").orElse("");
        if (hash.isEmpty()) {
            return answer(request, doc, Map.of());
        }
        if (!hash.equals(doc.hash())) {
            String location = path + "?hash=" + doc.hash();
            return new ApiResponse.Full(301, "text/html; charset=utf-8", Map.of("Location", location),
                    ("<a href=\"" + location + "\">Moved Permanently</a>.\n").getBytes(StandardCharsets.UTF_8));
        }
        // kube: "Set the Expires directive to the maximum value of one year from the request".
        return answer(request, doc, Map.of("Cache-Control", "public, immutable", "Vary", "Accept",
                "Expires", DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusYears(1))));
    }

    private static ApiResponse answer(ApiRequest request, Rendered doc, Map<String, String> extra) {
        Map<String, String> headers = new HashMap<>(extra);
        String etag = "\"" + doc.hash() + "\"";
        headers.put("ETag", etag);
        if (request.header("if-none-match").map(h -> h.contains(etag) || h.trim().equals("*")).orElse(false)) {
            return new ApiResponse.Full(304, JSON_TYPE, headers, new byte[0]);
        }
        return new ApiResponse.Full(200, JSON_TYPE, headers, doc.body());
    }

    /** kube-openapi's {@code computeETag}: {@code fmt.Sprintf("%X", sha512.Sum512(data))}, 128 hex digits. */
    static String hash(byte[] body) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-512").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-512", e);
        }
    }

    /** The hash of a document, by its index key ({@code apis/apps/v1}); for tests. */
    String hashOf(String key) {
        return current.get().documents().get(PATH + "/" + key).hash();
    }
}
