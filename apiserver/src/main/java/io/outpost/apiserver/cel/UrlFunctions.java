package io.outpost.apiserver.cel;

import static dev.cel.common.CelFunctionDecl.newFunctionDeclaration;
import static dev.cel.common.CelOverloadDecl.newGlobalOverload;
import static dev.cel.common.CelOverloadDecl.newMemberOverload;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
  * Kube's URL library: {@code url(string)}, {@code isURL(string)} and, on a URL,
  * {@code getScheme()}, {@code getHost()}, {@code getHostname()}, {@code getPort()},
  * {@code getEscapedPath()}, {@code getQuery()}. As Go's {@code url.ParseRequestURI}, a URL must
  * be absolute (with a scheme) or an absolute path.
  */
final class UrlFunctions implements KubernetesLibrary.Part {

    static final OpaqueType TYPE = OpaqueType.create("kubernetes.URL");

    /** A parsed URL. */
    record Value(URI uri) {
        @Override
        public String toString() {
            return uri.toString();
        }
    }

    static Value parse(String text) throws CelEvaluationException {
        try {
            URI uri = new URI(text);
            if (uri.getScheme() == null && !text.startsWith("/")) {
                throw KubernetesLibrary.error("URL parse error during conversion from string: parse \"" + text + "\": invalid URI for request");
            }
            return new Value(uri);
        } catch (URISyntaxException e) {
            throw KubernetesLibrary.error("URL parse error during conversion from string: " + e.getMessage());
        }
    }

    @Override
    public List<CelFunctionDecl> declarations() {
        var u = TYPE;
        var s = SimpleType.STRING;
        return List.of(
                newFunctionDeclaration("url", newGlobalOverload("string_to_url", u, s)),
                newFunctionDeclaration("isURL", newGlobalOverload("is_url_string", SimpleType.BOOL, s)),
                newFunctionDeclaration("getScheme", newMemberOverload("url_get_scheme", s, u)),
                newFunctionDeclaration("getHost", newMemberOverload("url_get_host", s, u)),
                newFunctionDeclaration("getHostname", newMemberOverload("url_get_hostname", s, u)),
                newFunctionDeclaration("getPort", newMemberOverload("url_get_port", s, u)),
                newFunctionDeclaration("getEscapedPath", newMemberOverload("url_get_escaped_path", s, u)),
                newFunctionDeclaration(
                        "getQuery", newMemberOverload("url_get_query", MapType.create(s, ListType.create(s)), u)));
    }

    @Override
    public List<CelFunctionBinding> bindings() {
        return List.of(
                CelFunctionBinding.from("string_to_url", String.class, UrlFunctions::parse),
                CelFunctionBinding.from("is_url_string", String.class, s -> {
                    try {
                        parse(s);
                        return true;
                    } catch (CelEvaluationException e) {
                        return false;
                    }
                }),
                CelFunctionBinding.from("url_get_scheme", Value.class, v -> nonNull(v.uri().getScheme())),
                CelFunctionBinding.from("url_get_host", Value.class, v -> {
                    String host = nonNull(v.uri().getHost());
                    return v.uri().getPort() < 0 ? host : host + ":" + v.uri().getPort();
                }),
                CelFunctionBinding.from("url_get_hostname", Value.class, v -> {
                    String host = nonNull(v.uri().getHost());
                    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
                }),
                CelFunctionBinding.from("url_get_port", Value.class, v -> v.uri().getPort() < 0 ? "" : Integer.toString(v.uri().getPort())),
                CelFunctionBinding.from("url_get_escaped_path", Value.class, v -> nonNull(v.uri().getRawPath())),
                CelFunctionBinding.from("url_get_query", Value.class, v -> query(v.uri().getRawQuery())));
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return result;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            result.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return result;
    }
}
