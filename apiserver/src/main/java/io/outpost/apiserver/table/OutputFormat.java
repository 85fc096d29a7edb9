package io.outpost.apiserver.table;

import java.util.List;

import io.outpost.apiserver.http.MediaRange;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a GET, LIST or WATCH answers with, chosen from the request's {@code Accept} list: the
 * object itself as JSON, or one of the {@code meta.k8s.io} transformations kube-apiserver offers
 * ({@code application/json;as=Table;v=v1;g=meta.k8s.io}, also {@code v1beta1}, and
 * {@code as=PartialObjectMetadata} / {@code as=PartialObjectMetadataList}).
 *
 * <p>The first acceptable media range in the client's order wins ({@code q} values are not
 * weighed: kubectl sends none); a range with {@code q=0} is refused. Ranges we cannot produce
 * (protobuf, an unknown {@code as}, group or version) are skipped, so kubectl 1.32+'s
 * {@code application/vnd.kubernetes.protobuf,application/json} gets JSON. No Accept at all means
 * JSON; a list naming nothing we produce is empty, which the caller answers with 406.
 *
 * <p>Thread model: an immutable value and pure functions.
 */
public record OutputFormat(Kind kind, String version) {

    /** The shape of the response body. */
    public enum Kind {
        /** The object or list as stored. */
        JSON,
        /** A {@code meta.k8s.io} Table. */
        TABLE,
        /** One {@code PartialObjectMetadata}: for GET, and for each WATCH event. */
        PARTIAL_OBJECT_METADATA,
        /** A {@code PartialObjectMetadataList}: for LIST. */
        PARTIAL_OBJECT_METADATA_LIST
    }

    public static final String GROUP = "meta.k8s.io";
    public static final OutputFormat JSON = new OutputFormat(Kind.JSON, "");

    private static final Map<String, Kind> AS = Map.of(
            "Table", Kind.TABLE,
            "PartialObjectMetadata", Kind.PARTIAL_OBJECT_METADATA,
            "PartialObjectMetadataList", Kind.PARTIAL_OBJECT_METADATA_LIST);

    public OutputFormat {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(version, "version");
    }

    public static Optional<OutputFormat> negotiate(List<String> acceptHeaders) {
        if (MediaRange.none(acceptHeaders)) {
            return Optional.of(JSON);
        }
        return MediaRange.parseAccept(acceptHeaders).stream().map(OutputFormat::match).flatMap(Optional::stream).findFirst();
    }

    /** {@code meta.k8s.io/v1}; only for the transformations. */
    public String apiVersion() {
        return GROUP + "/" + version;
    }

    /** The response Content-Type, as kube-apiserver labels it. */
    public String contentType() {
        return kind == Kind.JSON ? "application/json"
                : "application/json;as=" + asName() + ";v=" + version + ";g=" + GROUP;
    }

    /**
     * Whether this format can answer a list (LIST) or a single object (GET, and each WATCH
     * event). kube answers a mismatch (PartialObjectMetadata for a list, say) with 406 rather
     * than falling back to a later Accept entry.
     */
    public boolean fits(boolean list) {
        return switch (kind) {
            case JSON, TABLE -> true;
            case PARTIAL_OBJECT_METADATA -> !list;
            case PARTIAL_OBJECT_METADATA_LIST -> list;
        };
    }

    private String asName() {
        return switch (kind) {
            case TABLE -> "Table";
            case PARTIAL_OBJECT_METADATA -> "PartialObjectMetadata";
            case PARTIAL_OBJECT_METADATA_LIST -> "PartialObjectMetadataList";
            case JSON -> throw new IllegalStateException("plain JSON has no 'as'");
        };
    }

    private static Optional<OutputFormat> match(MediaRange range) {
        Map<String, String> params = range.params();
        if (!range.acceptsJson()) {
            return Optional.empty();
        }
        if (!params.containsKey("as")) {
            return params.isEmpty() ? Optional.of(JSON) : Optional.empty();
        }
        Kind kind = AS.get(params.get("as"));
        String version = params.getOrDefault("v", "");
        boolean known = range.type().equals("application/json") && kind != null && GROUP.equals(params.get("g"))
                && (version.equals("v1") || version.equals("v1beta1")) && params.size() == 3;
        return known ? Optional.of(new OutputFormat(kind, version)) : Optional.empty();
    }
}
