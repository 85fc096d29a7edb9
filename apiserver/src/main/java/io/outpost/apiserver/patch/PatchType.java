package io.outpost.apiserver.patch;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The patch types kube-apiserver accepts, by their Content-Type. Strategic merge patch exists only
 * for kinds with Go types (the built-ins): for custom resources kube refuses it with 415, and
 * kubectl then falls back to a merge patch.
 */
public enum PatchType {
    /** RFC 6902 ({@code kubectl patch --type=json}, the managedFields migration of server-side apply). */
    JSON_PATCH("application/json-patch+json"),
    /** RFC 7386 ({@code kubectl label}, {@code annotate}, {@code scale}). */
    MERGE_PATCH("application/merge-patch+json"),
    /** kube's strategic merge patch ({@code kubectl apply}, {@code cordon}). */
    STRATEGIC_MERGE_PATCH("application/strategic-merge-patch+json"),
    /** Server-side apply; parsed here, applied by the field manager, not by {@link Patches}. */
    APPLY_PATCH_YAML("application/apply-patch+yaml");

    private final String mediaType;

    PatchType(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /**
     * The patch type of a request's Content-Type, parameters ({@code ; charset=utf-8}) ignored, as
     * kube matches it: the whole media type (case aside), so {@code application/json} is no patch type.
     *
     * @param strategicAllowed whether the resource has a strategic merge patch (built-in kinds)
     * @throws PatchException 415 naming the accepted types, in kube-apiserver's order and words
     */
    public static PatchType ofContentType(String contentType, boolean strategicAllowed) {
        String type = contentType == null ? "" : contentType;
        int semicolon = type.indexOf(';');
        if (semicolon > 0) {
            type = type.substring(0, semicolon);
        }
        type = type.trim().toLowerCase(Locale.ROOT);
        List<PatchType> accepted = accepted(strategicAllowed);
        for (PatchType candidate : accepted) {
            if (candidate.mediaType.equals(type)) {
                return candidate;
            }
        }
        throw PatchException.unsupportedMediaType("the body of the request was in an unknown format - accepted media types include: "
                + accepted.stream().map(PatchType::mediaType).collect(Collectors.joining(", ")));
    }

    private static List<PatchType> accepted(boolean strategicAllowed) {
        return strategicAllowed
                ? List.of(JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH_YAML)
                : List.of(JSON_PATCH, MERGE_PATCH, APPLY_PATCH_YAML);
    }
}
