package io.outpost.apiserver.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a request asks for, read from its method, path and query as kube-apiserver's
 * {@code RequestInfoFactory} (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go) reads it.
 * Authorization decides on it; the registry routes by it.
 *
 * <p>Resource requests have one of these shapes (after {@code /api/v1} or {@code /apis/GROUP/VERSION}):
 * <pre>
 * /RESOURCE                                   list, watch (?watch=true), create, deletecollection
 * /RESOURCE/NAME                              get, update, patch, delete
 * /RESOURCE/NAME/SUBRESOURCE                  get, update, patch, ... on the subresource
 * /namespaces/NS/RESOURCE[/NAME[/SUBRESOURCE]] the same, in a namespace
 * /namespaces/NAME[/status|/finalize]         the namespace itself (namespace = name)
 * /watch/...                                  the deprecated watch prefix: verb watch
 * </pre>
 * Everything else ({@code /healthz}, {@code /version}, {@code /api}, {@code /apis/GROUP/VERSION}
 * itself) is a non-resource request whose verb is the lower-case method.
 *
 * <p>Verbs: POST create, GET and HEAD get (list without a name; watch with {@code watch=true}),
 * PUT update, PATCH patch, DELETE delete (deletecollection without a name). A list or watch with
 * {@code fieldSelector=metadata.name=X} concerns the one name X, as in kube, so that a user allowed
 * to get one object may also watch it.
 *
 * @param resourceRequest whether this is a resource request; if not, only {@code path} and
 *                        {@code verb} mean anything and the other parts are empty
 * @param path            the request path
 * @param verb            the Kubernetes verb (see above)
 * @param apiPrefix       {@code api} or {@code apis}; empty for non-resource requests
 * @param apiGroup        the group; empty for the core group
 * @param apiVersion      {@code v1}, ...
 * @param namespace       the namespace; empty for cluster-scoped resources and for requests across
 *                        all namespaces
 * @param resource        the plural resource name, {@code pods}
 * @param subresource     {@code status}, {@code log}, ...; empty if none
 * @param name            the object's name; empty for collections
 * @param parts           the path segments after the group/version, namespace prefix removed
 */
public record RequestInfo(boolean resourceRequest, String path, String verb, String apiPrefix,
                          String apiGroup, String apiVersion, String namespace, String resource,
                          String subresource, String name, List<String> parts) {

    /** Segments that name a subresource of a namespace, not a resource inside it. */
    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

    /** The deprecated verbs spelled as a path prefix: {@code /api/v1/watch/pods}. */
    private static final Set<String> SPECIAL_VERBS = Set.of("proxy", "watch");

    private static final Set<String> TRUE = Set.of("1", "t", "T", "true", "TRUE", "True");

    public RequestInfo {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(verb, "verb");
        parts = List.copyOf(parts);
    }

    /**
     * Reads a request.
     *
     * @param method the HTTP method
     * @param path   the decoded path without the query
     * @param query  the decoded query parameters
     */
    public static RequestInfo parse(String method, String path, Map<String, List<String>> query) {
        String lowerMethod = method.toLowerCase(Locale.ROOT);
        List<String> segments = splitPath(path);
        if (segments.isEmpty() || !(segments.getFirst().equals("api") || segments.getFirst().equals("apis"))) {
            return nonResource(path, lowerMethod);
        }
        String prefix = segments.getFirst();
        // /api/v1/RESOURCE needs 3 segments; /apis/GROUP/VERSION/RESOURCE needs 4. Less is discovery.
        int minimum = prefix.equals("api") ? 3 : 4;
        if (segments.size() < minimum) {
            return nonResource(path, lowerMethod);
        }
        String group = prefix.equals("api") ? "" : segments.get(1);
        String version = prefix.equals("api") ? segments.get(1) : segments.get(2);
        List<String> current = new ArrayList<>(segments.subList(minimum - 1, segments.size()));

        String verb = switch (lowerMethod) {
            case "post" -> "create";
            case "get", "head" -> "get";
            case "put" -> "update";
            case "patch" -> "patch";
            case "delete" -> "delete";
            default -> "";
        };
        if (SPECIAL_VERBS.contains(current.getFirst())) {
            if (current.size() < 2) {
                // "/api/v1/watch" alone is not a resource request (kube: "unable to determine kind and namespace").
                return nonResource(path, lowerMethod);
            }
            verb = current.removeFirst();
        }

        String namespace = "";
        if (current.getFirst().equals("namespaces")) {
            if (current.size() > 1) {
                namespace = current.get(1);
                // /namespaces/NS/RESOURCE...: a resource inside the namespace. /namespaces/NS/status: the namespace's own.
                if (current.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(current.get(2))) {
                    current = new ArrayList<>(current.subList(2, current.size()));
                }
            }
        }

        String resource = current.getFirst();
        String name = current.size() >= 2 ? current.get(1) : "";
        String subresource = current.size() >= 3 ? current.get(2) : "";

        if (name.isEmpty() && verb.equals("get")) {
            verb = isTrue(query.get("watch")) ? "watch" : "list";
        }
        if ((verb.equals("list") || verb.equals("watch")) && name.isEmpty()) {
            name = nameFromFieldSelector(query.get("fieldSelector"));
        }
        if (verb.equals("delete") && name.isEmpty()) {
            verb = "deletecollection";
        }
        return new RequestInfo(true, path, verb, prefix, group, version, namespace, resource, subresource, name, current);
    }

    private static RequestInfo nonResource(String path, String verb) {
        return new RequestInfo(false, path, verb, "", "", "", "", "", "", "", List.of());
    }

    /** The non-empty segments of {@code /a//b/}: {@code [a, b]} (kube trims the slashes the same way). */
    private static List<String> splitPath(String path) {
        return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    private static boolean isTrue(List<String> values) {
        return values != null && !values.isEmpty() && TRUE.contains(values.getFirst());
    }

    /**
     * The X of a {@code metadata.name=X} (or {@code ==}) term of a field selector: kube's
     * {@code RequiresExactMatch}, so {@code metadata.name=x,status.phase=Running} names x too.
     */
    private static String nameFromFieldSelector(List<String> values) {
        if (values == null || values.isEmpty()) {
            return "";
        }
        for (String term : values.getFirst().split(",")) {
            String t = term.strip();
            for (String op : new String[] {"metadata.name==", "metadata.name="}) {
                if (t.startsWith(op)) {
                    return t.substring(op.length()).strip();
                }
            }
        }
        return "";
    }
}
