package io.outpost.apiserver.discovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

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
        List<String> ranges = new ArrayList<>();
        for (String header : acceptHeaders) {
            for (String range : header.split(",")) {
                if (!range.isBlank()) {
                    ranges.add(range.trim());
                }
            }
        }
        if (ranges.isEmpty()) {
            return Optional.of(LEGACY);
        }
        for (String range : ranges) {
            Optional<DiscoveryFormat> format = match(range);
            if (format.isPresent()) {
                return format;
            }
        }
        return Optional.empty();
    }

    private static Optional<DiscoveryFormat> match(String range) {
        String[] parts = range.split(";");
        String type = parts[0].trim().toLowerCase(Locale.ROOT);
        Map<String, String> params = new TreeMap<>();
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            String key = kv[0].trim().toLowerCase(Locale.ROOT);
            if (!key.isEmpty() && !key.equals("q") && !key.equals("charset")) {
                params.put(key, kv.length == 2 ? unquote(kv[1].trim()) : "");
            }
        }
        boolean json = type.equals("application/json");
        if (json && GROUP.equals(params.get("g")) && KIND.equals(params.get("as")) && params.size() == 3) {
            return switch (params.get("v")) {
                case "v2" -> Optional.of(AGGREGATED_V2);
                case "v2beta1" -> Optional.of(AGGREGATED_V2BETA1);
                default -> Optional.empty();
            };
        }
        if (params.isEmpty() && (json || type.equals("*/*") || type.equals("application/*"))) {
            return Optional.of(LEGACY);
        }
        return Optional.empty();
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
    }
}
