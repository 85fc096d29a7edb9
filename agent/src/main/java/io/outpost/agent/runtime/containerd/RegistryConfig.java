package io.outpost.agent.runtime.containerd;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The node's image registry configuration, in k3s's {@code registries.yaml} format, so an operator
 * who knows k3s writes the same file ({@code --registry-config}, default {@code DATA/registries.yaml}):
 *
 * <pre>
 * mirrors:
 *   docker.io:                              # a registry name as images spell it ("*": every registry)
 *     endpoint: ["http://127.0.0.1:5000"]   # tried in order, then the registry itself; http:// is plain HTTP
 * configs:
 *   "registry.example.com:5443":            # a registry or mirror host[:port]
 *     auth: {username: u, password: p}      # or auth: BASE64(u:p), or identitytoken
 *     tls: {ca_file: /ca.pem, cert_file: /c.pem, key_file: /k.pem, insecure_skip_verify: true}
 * </pre>
 *
 * A mistake is an {@link Invalid} naming the field ({@code mirrors."docker.io".endpoint[0]}) and
 * what is accepted there. k3s's {@code rewrite} is refused: it needs k3s's fork of containerd.
 *
 * <p>Thread model: immutable values; {@link #load} reads the file on the caller's thread.
 *
 * @param mirrors registry name → mirror endpoints, in the file's order
 * @param configs registry or mirror host[:port] → its credentials and TLS settings
 */
public record RegistryConfig(Map<String, Mirror> mirrors, Map<String, HostConfig> configs) {

    /** No file: every registry as containerd reaches it by default (HTTPS; plain HTTP for localhost). */
    public static final RegistryConfig EMPTY = new RegistryConfig(Map.of(), Map.of());

    /** The name under which {@code mirrors} configures every registry (k3s, containerd's {@code _default}). */
    public static final String WILDCARD = "*";

    /**
     * The YAML reader, made on first parse: {@link #EMPTY} is read by every agent start, and a
     * mapper made with this class would load Jackson databind and SnakeYAML into an agent that
     * has no registries file (about 14 MB resident, never unloaded; {@code NoDatabindInTheAgentTest}).
     */
    private static final class Yaml {
        static final YAMLMapper MAPPER = YAMLMapper.builder().build();
    }

    public RegistryConfig {
        mirrors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(mirrors));
        configs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(configs));
    }

    /** @param endpoints {@code http://} or {@code https://} URLs, possibly with a path */
    public record Mirror(List<URI> endpoints) {
        public Mirror {
            endpoints = List.copyOf(endpoints);
        }
    }

    /** @param auth empty for anonymous pulls */
    public record HostConfig(Optional<Auth> auth, Tls tls) {
    }

    /** Credentials for one host: a username and password, a base64 {@code user:password}, or an identity token. */
    public record Auth(String username, String password, String auth, String identityToken) {
        @Override
        public String toString() {
            return "Auth[" + username + ", secrets redacted]";
        }
    }

    /** @param caFile, certFile, keyFile empty when not set */
    public record Tls(String caFile, String certFile, String keyFile, boolean insecureSkipVerify) {
        public static final Tls NONE = new Tls("", "", "", false);

        boolean isSet() {
            return !equals(NONE);
        }
    }

    /** A file that does not say what k3s's format allows; the message names the field. */
    public static final class Invalid extends Exception {
        public Invalid(String message) {
            super(message);
        }
    }

    /** Reads {@code file}; a missing, unreadable or malformed file is {@link Invalid} naming it. */
    public static RegistryConfig load(Path file) throws Invalid {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new Invalid(file + " does not exist");
        } catch (IOException e) {
            throw new Invalid(file + " cannot be read: " + e.getMessage());
        }
        try {
            return parse(text);
        } catch (Invalid e) {
            throw new Invalid(file + ": " + e.getMessage());
        }
    }

    /** Parses a {@code registries.yaml} document; an empty one is {@link #EMPTY}. */
    public static RegistryConfig parse(String yaml) throws Invalid {
        JsonNode root;
        try {
            root = Yaml.MAPPER.readTree(yaml);
        } catch (JacksonException e) {
            throw new Invalid("not YAML: " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return EMPTY;
        }
        requireObject(root, "the document", Set.of("mirrors", "configs"));
        Map<String, Mirror> mirrors = new LinkedHashMap<>();
        JsonNode m = root.path("mirrors");
        if (!m.isMissingNode() && !m.isNull()) {
            requireObject(m, "mirrors", null);
            for (Map.Entry<String, JsonNode> e : m.properties()) {
                String field = "mirrors." + quote(e.getKey());
                if (!e.getKey().equals(WILDCARD)) {
                    requireRegistryName(e.getKey(), field);
                }
                mirrors.put(e.getKey(), mirror(e.getValue(), field));
            }
        }
        Map<String, HostConfig> configs = new LinkedHashMap<>();
        JsonNode c = root.path("configs");
        if (!c.isMissingNode() && !c.isNull()) {
            requireObject(c, "configs", null);
            for (Map.Entry<String, JsonNode> e : c.properties()) {
                String field = "configs." + quote(e.getKey());
                requireRegistryName(e.getKey(), field);
                configs.put(e.getKey(), hostConfig(e.getValue(), field));
            }
        }
        return new RegistryConfig(mirrors, configs);
    }

    private static Mirror mirror(JsonNode node, String field) throws Invalid {
        if (node.has("rewrite")) {
            throw new Invalid(field + ".rewrite: is not supported (k3s's rewrite needs its own fork of containerd); "
                    + "push the images under the names the pods use instead");
        }
        requireObject(node, field, Set.of("endpoint"));
        JsonNode list = node.path("endpoint");
        if (list.isMissingNode() || list.isNull()) {
            return new Mirror(List.of());
        }
        if (!list.isArray()) {
            throw new Invalid(field + ".endpoint: must be a list of URLs, like [\"http://127.0.0.1:5000\"]");
        }
        List<URI> endpoints = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            endpoints.add(endpoint(list.get(i), field + ".endpoint[" + i + "]"));
        }
        return new Mirror(endpoints);
    }

    private static URI endpoint(JsonNode node, String field) throws Invalid {
        String value = node.isString() ? node.asString().strip() : "";
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getQuery() == null && uri.getFragment() == null && uri.getUserInfo() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // below
        }
        throw new Invalid(field + ": '" + (node.isString() ? value : node.toString())
                + "' is not an http:// or https:// URL of a registry, like http://127.0.0.1:5000 (plain HTTP) or https://mirror.example.com");
    }

    private static HostConfig hostConfig(JsonNode node, String field) throws Invalid {
        requireObject(node, field, Set.of("auth", "tls"));
        Optional<Auth> auth = Optional.empty();
        JsonNode a = node.path("auth");
        if (!a.isMissingNode() && !a.isNull()) {
            requireObject(a, field + ".auth", Set.of("username", "password", "auth", "identitytoken"));
            Auth parsed = new Auth(string(a, "username", field + ".auth"), string(a, "password", field + ".auth"),
                    string(a, "auth", field + ".auth"), string(a, "identitytoken", field + ".auth"));
            if (!parsed.auth().isEmpty()) {
                try {
                    String decoded = new String(java.util.Base64.getDecoder().decode(parsed.auth()), java.nio.charset.StandardCharsets.UTF_8);
                    if (!decoded.contains(":")) {
                        throw new IllegalArgumentException();
                    }
                } catch (IllegalArgumentException e) {
                    throw new Invalid(field + ".auth.auth: is not base64 of user:password");
                }
            }
            if (parsed.username().isEmpty() && parsed.password().isEmpty() && parsed.auth().isEmpty() && parsed.identityToken().isEmpty()) {
                throw new Invalid(field + ".auth: is empty; give username and password, auth (base64 of user:password) or identitytoken");
            }
            auth = Optional.of(parsed);
        }
        Tls tls = Tls.NONE;
        JsonNode t = node.path("tls");
        if (!t.isMissingNode() && !t.isNull()) {
            String f = field + ".tls";
            requireObject(t, f, Set.of("ca_file", "cert_file", "key_file", "insecure_skip_verify"));
            JsonNode skip = t.path("insecure_skip_verify");
            if (!skip.isMissingNode() && !skip.isBoolean()) {
                throw new Invalid(f + ".insecure_skip_verify: must be true or false");
            }
            tls = new Tls(string(t, "ca_file", f), string(t, "cert_file", f), string(t, "key_file", f), skip.asBoolean(false));
            if (tls.certFile().isEmpty() != tls.keyFile().isEmpty()) {
                throw new Invalid(f + ": cert_file and key_file go together (a client certificate and its key)");
            }
        }
        return new HostConfig(auth, tls);
    }

    private static String string(JsonNode parent, String key, String field) throws Invalid {
        JsonNode v = parent.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return "";
        }
        if (!v.isString() && !v.isNumber()) {
            throw new Invalid(field + "." + key + ": must be a string");
        }
        return v.asString();
    }

    /** An object with only {@code allowed} keys (any keys when null). */
    private static void requireObject(JsonNode node, String field, Set<String> allowed) throws Invalid {
        if (!node.isObject()) {
            throw new Invalid(field + ": must be a mapping" + (allowed == null ? "" : " of " + String.join(", ", new java.util.TreeSet<>(allowed))));
        }
        if (allowed != null) {
            for (String key : node.propertyNames()) {
                if (!allowed.contains(key)) {
                    String where = field.equals("the document") ? key : field + "." + key;
                    throw new Invalid(where + ": unknown field; " + (field.equals("the document") ? "the top level" : field)
                            + " takes " + String.join(", ", new java.util.TreeSet<>(allowed)));
                }
            }
        }
    }

    /** A registry as an image names it: a host with an optional port, no scheme or path. */
    private static void requireRegistryName(String name, String field) throws Invalid {
        if (!name.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?") && !name.matches("\\[[0-9a-fA-F:]+\\](:[0-9]{1,5})?")) {
            throw new Invalid(field + ": '" + name + "' is not a registry host[:port], like docker.io or registry.example.com:5000"
                    + " (no scheme, no path)");
        }
    }

    private static String quote(String key) {
        return key.matches("[A-Za-z0-9_-]+") ? key : "\"" + key + "\"";
    }
}
