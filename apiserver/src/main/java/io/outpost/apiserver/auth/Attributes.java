package io.outpost.apiserver.auth;

import java.util.Objects;

import io.outpost.apiserver.http.RequestInfo;
import io.outpost.apiserver.http.UserInfo;

/**
 * What an authorizer decides on: who asks to do what (kube's {@code authorizer.Attributes}). For a
 * resource request every part but {@code path} may matter; for a non-resource request only
 * {@code user}, {@code verb} and {@code path}.
 */
public record Attributes(UserInfo user, String verb, boolean resourceRequest, String apiGroup, String apiVersion,
                         String resource, String subresource, String namespace, String name, String path,
                         String fieldSelector) {

    public Attributes {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(verb, "verb");
        fieldSelector = fieldSelector == null ? "" : fieldSelector;
    }

    public static Attributes of(UserInfo user, RequestInfo info) {
        return of(user, info, "");
    }

    /**
     * With the request's {@code fieldSelector} (kube 1.31+ gives authorizers the selectors too,
     * {@code AuthorizeWithSelectors}): the node authorizer lets a node list its own pods only.
     */
    public static Attributes of(UserInfo user, RequestInfo info, String fieldSelector) {
        return new Attributes(user, info.verb(), info.resourceRequest(), info.apiGroup(), info.apiVersion(),
                info.resource(), info.subresource(), info.namespace(), info.name(), info.path(), fieldSelector);
    }

    public static Attributes resource(UserInfo user, String verb, String group, String resource, String subresource,
                                      String namespace, String name) {
        return new Attributes(user, verb, true, group, "", resource, subresource, namespace, name, "", "");
    }

    public static Attributes nonResource(UserInfo user, String verb, String path) {
        return new Attributes(user, verb, false, "", "", "", "", "", "", path, "");
    }

    /** The same request with a field selector. */
    public Attributes withFieldSelector(String selector) {
        return new Attributes(user, verb, resourceRequest, apiGroup, apiVersion, resource, subresource, namespace, name, path,
                selector);
    }

    /**
     * kube-apiserver's wording of a denial (responsewriters.forbiddenMessage):
     * {@code User "x" cannot list resource "pods" in API group "" in the namespace "default"}.
     */
    public String deniedMessage() {
        if (!resourceRequest) {
            return "User \"" + user.name() + "\" cannot " + verb + " path \"" + path + "\"";
        }
        String what = subresource.isEmpty() ? resource : resource + "/" + subresource;
        String where = namespace.isEmpty() ? "at the cluster scope" : "in the namespace \"" + namespace + "\"";
        return "User \"" + user.name() + "\" cannot " + verb + " resource \"" + what + "\" in API group \"" + apiGroup + "\" " + where;
    }
}
