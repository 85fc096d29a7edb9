package io.outpost.apiserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The cases of kube's requestinfo_test.go that matter to us, plus the edges we met. */
class RequestInfoTest {

    /**
     * One request and what it should be read as; {@code expected} lists verb, prefix, group,
     * version, namespace, resource, subresource, name.
     */
    record Case(String sentence, String method, String url, boolean resource, List<String> expected) {
        @Override
        public String toString() {
            return sentence;
        }
    }

    private static Case resource(String sentence, String method, String url, String verb, String prefix, String group,
                                 String version, String namespace, String res, String sub, String name) {
        return new Case(sentence, method, url, true, List.of(verb, prefix, group, version, namespace, res, sub, name));
    }

    private static Case nonResource(String sentence, String method, String url, String verb) {
        return new Case(sentence, method, url, false, List.of(verb, "", "", "", "", "", "", ""));
    }

    static Stream<Case> cases() {
        return Stream.of(
                resource("A GET of a namespaced collection is a list", "GET", "/api/v1/namespaces/default/pods",
                        "list", "api", "", "v1", "default", "pods", "", ""),
                resource("A GET of a collection across namespaces is a list with no namespace", "GET", "/api/v1/pods",
                        "list", "api", "", "v1", "", "pods", "", ""),
                resource("watch=true turns a list into a watch", "GET", "/api/v1/namespaces/default/pods?watch=true",
                        "watch", "api", "", "v1", "default", "pods", "", ""),
                resource("watch=1 is true as well", "GET", "/api/v1/pods?watch=1",
                        "watch", "api", "", "v1", "", "pods", "", ""),
                resource("watch=false stays a list", "GET", "/api/v1/pods?watch=false",
                        "list", "api", "", "v1", "", "pods", "", ""),
                resource("A GET with a name is a get", "GET", "/api/v1/namespaces/default/pods/web-1",
                        "get", "api", "", "v1", "default", "pods", "", "web-1"),
                resource("HEAD reads like GET", "HEAD", "/api/v1/namespaces/default/pods/web-1",
                        "get", "api", "", "v1", "default", "pods", "", "web-1"),
                resource("A subresource follows the name", "GET", "/api/v1/namespaces/default/pods/web-1/log",
                        "get", "api", "", "v1", "default", "pods", "log", "web-1"),
                resource("POST is create", "POST", "/api/v1/namespaces/default/configmaps",
                        "create", "api", "", "v1", "default", "configmaps", "", ""),
                resource("PUT on a status subresource is an update of it", "PUT", "/api/v1/namespaces/default/pods/web-1/status",
                        "update", "api", "", "v1", "default", "pods", "status", "web-1"),
                resource("PATCH is patch", "PATCH", "/apis/apps/v1/namespaces/prod/deployments/web",
                        "patch", "apis", "apps", "v1", "prod", "deployments", "", "web"),
                resource("The scale subresource of a named group", "PUT", "/apis/apps/v1/namespaces/prod/deployments/web/scale",
                        "update", "apis", "apps", "v1", "prod", "deployments", "scale", "web"),
                resource("DELETE with a name is delete", "DELETE", "/api/v1/namespaces/default/pods/web-1",
                        "delete", "api", "", "v1", "default", "pods", "", "web-1"),
                resource("DELETE without a name is deletecollection", "DELETE", "/api/v1/namespaces/default/pods",
                        "deletecollection", "api", "", "v1", "default", "pods", "", ""),
                resource("A cluster-scoped resource has no namespace", "GET", "/api/v1/nodes/edge-1",
                        "get", "api", "", "v1", "", "nodes", "", "edge-1"),
                resource("A namespace by name is its own namespace", "GET", "/api/v1/namespaces/kube-system",
                        "get", "api", "", "v1", "kube-system", "namespaces", "", "kube-system"),
                resource("The list of namespaces has no namespace", "GET", "/api/v1/namespaces",
                        "list", "api", "", "v1", "", "namespaces", "", ""),
                resource("A namespace's status is a subresource of it, not a resource in it", "PUT", "/api/v1/namespaces/team/status",
                        "update", "api", "", "v1", "team", "namespaces", "status", "team"),
                resource("A namespace's finalize likewise", "PUT", "/api/v1/namespaces/team/finalize",
                        "update", "api", "", "v1", "team", "namespaces", "finalize", "team"),
                resource("The deprecated watch prefix is a watch", "GET", "/api/v1/watch/namespaces/default/pods",
                        "watch", "api", "", "v1", "default", "pods", "", ""),
                resource("The deprecated watch prefix with a name", "GET", "/api/v1/watch/namespaces/default/pods/web-1",
                        "watch", "api", "", "v1", "default", "pods", "", "web-1"),
                resource("A list by metadata.name concerns that one name", "GET",
                        "/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dweb-1",
                        "list", "api", "", "v1", "default", "pods", "", "web-1"),
                resource("A watch by metadata.name among other terms too", "GET",
                        "/api/v1/namespaces/default/pods?watch=true&fieldSelector=status.phase%3DRunning,metadata.name%3D%3Dweb-1",
                        "watch", "api", "", "v1", "default", "pods", "", "web-1"),
                resource("metadata.name!= names nothing", "GET", "/api/v1/pods?fieldSelector=metadata.name!%3Dweb-1",
                        "list", "api", "", "v1", "", "pods", "", ""),
                resource("A self subject access review is a create in authorization.k8s.io", "POST",
                        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                        "create", "apis", "authorization.k8s.io", "v1", "", "selfsubjectaccessreviews", "", ""),
                resource("Doubled and trailing slashes are ignored", "GET", "//api/v1//namespaces/default/pods/",
                        "list", "api", "", "v1", "default", "pods", "", ""),
                nonResource("/api alone is discovery", "GET", "/api", "get"),
                nonResource("/api/v1 is discovery", "GET", "/api/v1", "get"),
                nonResource("/apis/GROUP is discovery", "GET", "/apis/apps", "get"),
                nonResource("/apis/GROUP/VERSION is discovery", "GET", "/apis/apps/v1", "get"),
                nonResource("/healthz is a non-resource path", "GET", "/healthz", "get"),
                nonResource("A POST to a non-resource path is verb post", "POST", "/logs/x", "post"),
                nonResource("/api/v1/watch alone is not a resource request", "GET", "/api/v1/watch", "get"),
                nonResource("The root path", "GET", "/", "get"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void readsTheRequestAsKubeDoes(Case c) {
        ParsedUrl url = ParsedUrl.of(c.url());
        RequestInfo info = RequestInfo.parse(c.method(), url.path(), url.query());

        assertThat(info.resourceRequest()).isEqualTo(c.resource());
        assertThat(List.of(info.verb(), info.apiPrefix(), info.apiGroup(), info.apiVersion(), info.namespace(),
                info.resource(), info.subresource(), info.name())).isEqualTo(c.expected());
        assertThat(info.path()).isEqualTo(url.path());
    }

    /** A request target split and decoded the way the transport does it. */
    record ParsedUrl(String path, Map<String, List<String>> query) {
        static ParsedUrl of(String url) {
            io.netty.handler.codec.http.QueryStringDecoder d = new io.netty.handler.codec.http.QueryStringDecoder(url);
            return new ParsedUrl(d.path(), d.parameters());
        }
    }
}
