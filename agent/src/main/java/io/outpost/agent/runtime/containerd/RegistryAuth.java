package io.outpost.agent.runtime.containerd;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The credentials for an image from a pod's {@code imagePullSecrets} ({@code
 * kubernetes.io/dockerconfigjson} Secrets' {@code .dockerconfigjson}), matched as kubelet's
 * {@code pkg/credentialprovider} keyring does: a key names a registry host (with an optional
 * {@code https://} scheme, port and path, e.g. {@code https://index.docker.io/v1/}); the image's
 * registry must equal that host and its repository must start with the key's path. Docker Hub
 * images ({@code busybox}, {@code docker.io/...}) match keys for {@code docker.io},
 * {@code index.docker.io} and {@code registry-1.docker.io}. The first secret that matches wins,
 * in the pod's order, as kubelet tries them.
 *
 * <p>Thread model: pure functions.
 */
public final class RegistryAuth {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> DOCKER_HUB = List.of("docker.io", "index.docker.io", "registry-1.docker.io");

    private RegistryAuth() {
    }

    /**
     * The credentials for {@code image} in {@code dockerConfigJsons} (each a {@code
     * .dockerconfigjson} document), or empty for an anonymous pull. A malformed document is
     * skipped, as kubelet skips a secret it cannot read.
     */
    public static Optional<ImagePull.Auth> forImage(List<String> dockerConfigJsons, String image) {
        String registry = registryOf(image);
        String repository = repositoryOf(image);
        for (String doc : dockerConfigJsons) {
            JsonNode auths;
            try {
                auths = JSON.readTree(doc).path("auths");
            } catch (JacksonException e) {
                continue;
            }
            for (Map.Entry<String, JsonNode> entry : auths.properties()) {
                if (matches(entry.getKey(), registry, repository)) {
                    Optional<ImagePull.Auth> auth = credentials(registry, entry.getValue());
                    if (auth.isPresent()) {
                        return auth;
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<ImagePull.Auth> credentials(String registry, JsonNode entry) {
        String username = entry.path("username").asString("");
        String password = entry.path("password").asString("");
        String encoded = entry.path("auth").asString("");
        if (!encoded.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return Optional.empty();
            }
            username = decoded.substring(0, colon);
            password = decoded.substring(colon + 1);
        }
        if (username.isEmpty() && password.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ImagePull.Auth(registry, username, password));
    }

    static boolean matches(String key, String registry, String repository) {
        String k = key.replaceFirst("^https?://", "");
        String host = k.contains("/") ? k.substring(0, k.indexOf('/')) : k;
        String path = k.contains("/") ? k.substring(k.indexOf('/') + 1).replaceAll("/+$", "") : "";
        boolean hub = DOCKER_HUB.contains(registry);
        if (hub ? !DOCKER_HUB.contains(host) : !host.equalsIgnoreCase(registry)) {
            return false;
        }
        // Docker Hub's legacy key carries the API version, not a repository prefix.
        if (hub && path.equals("v1") || path.isEmpty()) {
            return true;
        }
        return repository.equals(path) || repository.startsWith(path + "/");
    }

    /** The registry host of an image reference, {@code docker.io} when it names none. */
    static String registryOf(String image) {
        int slash = image.indexOf('/');
        if (slash < 0) {
            return "docker.io";
        }
        String first = image.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.equals("localhost") ? first : "docker.io";
    }

    /** The repository path of an image reference, without registry, tag or digest. */
    static String repositoryOf(String image) {
        String rest = image;
        String registry = registryOf(image);
        if (image.startsWith(registry + "/")) {
            rest = image.substring(registry.length() + 1);
        }
        int at = rest.indexOf('@');
        if (at >= 0) {
            rest = rest.substring(0, at);
        }
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            rest = rest.substring(0, colon);
        }
        if (DOCKER_HUB.contains(registry) && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        return rest;
    }
}
