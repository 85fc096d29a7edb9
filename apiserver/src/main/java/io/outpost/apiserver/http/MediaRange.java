package io.outpost.apiserver.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One entry of an Accept header, as kube-apiserver's negotiation reads it: a lower-case media
 * type and its parameters ({@code as}, {@code g}, {@code v} for Kubernetes' transformed
 * responses), without {@code q}, {@code charset} and {@code pretty}, which choose nothing here.
 *
 * <p>Immutable.
 *
 * @param type   {@code application/json}, {@code *}{@code /*}, ...
 * @param params the remaining parameters, names in lower case, values unquoted
 */
public record MediaRange(String type, Map<String, String> params) {

    public MediaRange {
        params = Map.copyOf(params);
    }

    /**
     * The ranges of every Accept header, in the client's order ({@code q} weights are not applied:
     * kubectl sends none), leaving out those with {@code q=0}, which refuse their type.
     */
    public static List<MediaRange> parseAccept(List<String> acceptHeaders) {
        List<MediaRange> ranges = new ArrayList<>();
        for (String header : acceptHeaders) {
            for (String range : header.split(",")) {
                if (!range.isBlank()) {
                    MediaRange parsed = parse(range.trim());
                    if (parsed != null) {
                        ranges.add(parsed);
                    }
                }
            }
        }
        return ranges;
    }

    /** Whether the request has no Accept header, or only empty ones: the server picks. */
    public static boolean none(List<String> acceptHeaders) {
        return acceptHeaders.stream().allMatch(String::isBlank);
    }

    /** Whether this range accepts plain JSON: {@code application/json}, {@code application/*} or {@code *}{@code /*}. */
    public boolean acceptsJson() {
        return type.equals("application/json") || type.equals("application/*") || type.equals("*/*");
    }

    /** Null if the range has {@code q=0}. */
    private static MediaRange parse(String range) {
        String[] parts = range.split(";");
        Map<String, String> params = new TreeMap<>();
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            String key = kv[0].trim().toLowerCase(Locale.ROOT);
            if (!key.isEmpty()) {
                params.put(key, kv.length == 2 ? unquote(kv[1].trim()) : "");
            }
        }
        String q = params.remove("q");
        if (q != null && isZero(q)) {
            return null;
        }
        params.remove("charset");
        params.remove("pretty");
        return new MediaRange(parts[0].trim().toLowerCase(Locale.ROOT), params);
    }

    private static boolean isZero(String q) {
        try {
            return Double.parseDouble(q) == 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
    }
}
