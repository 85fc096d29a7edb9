package io.outpost.apiserver.discovery;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.outpost.apiserver.http.MediaRange;

/**
 * The document formats {@code GET /api} and {@code GET /apis} answer in, and the choice among
 * them from a request's {@code Accept} list.
 *
 * <p>kubectl decides how to parse the body by the response's Content-Type alone (wire contract
 * §2): an aggregated body labelled {@code application/json} is misparsed, so the aggregated
 * types carry their exact media type, and a version is answered only if the client listed it
 * (kubectl 1.27–1.29 know v2beta1 only; 1.30+ list v2 first).
 *
 * <p>Thread model: an enum and a pure function; safe from any thread.
 */
enum DiscoveryFormat {
    /** {@code APIVersions} / {@code APIGroupList}, as plain JSON. */
    LEGACY("application/json", null),
    /** {@code apidiscovery.k8s.io/v2 APIGroupDiscoveryList}. */
    AGGREGATED_V2("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", "v2"),
    /** {@code apidiscovery.k8s.io/v2beta1 APIGroupDiscoveryList}: same shape, older name. */
    AGGREGATED_V2BETA1("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList", "v2beta1");

    static final String GROUP = "apidiscovery.k8s.io";
    static final String KIND = "APIGroupDiscoveryList";

    private final String contentType;
    private final String version;

    DiscoveryFormat(String contentType, String version) {
        this.contentType = contentType;
        this.version = version;
    }

    /** The exact response Content-Type. */
    String contentType() {
        return contentType;
    }

    /** {@code apidiscovery.k8s.io/v2}; only for the aggregated formats. */
    String apiVersion() {
        return GROUP + "/" + version;
    }

    boolean aggregated() {
        return version != null;
    }

    /**
     * The first format the Accept list names, in the client's order ({@code q} values are not
     * weighed: kubectl sends none). No Accept at all means legacy JSON; an Accept list that
     * names none of ours (say protobuf only) is empty, which the caller answers with 406.
     */
    static Optional<DiscoveryFormat> negotiate(List<String> acceptHeaders) {
        if (MediaRange.none(acceptHeaders)) {
            return Optional.of(LEGACY);
        }
        return MediaRange.parseAccept(acceptHeaders).stream().map(DiscoveryFormat::match).flatMap(Optional::stream).findFirst();
    }

    private static Optional<DiscoveryFormat> match(MediaRange range) {
        Map<String, String> params = range.params();
        if (range.type().equals("application/json") && GROUP.equals(params.get("g")) && KIND.equals(params.get("as"))
                && params.size() == 3) {
            return switch (params.get("v")) {
                case "v2" -> Optional.of(AGGREGATED_V2);
                case "v2beta1" -> Optional.of(AGGREGATED_V2BETA1);
                default -> Optional.empty();
            };
        }
        return params.isEmpty() && range.acceptsJson() ? Optional.of(LEGACY) : Optional.empty();
    }
}
