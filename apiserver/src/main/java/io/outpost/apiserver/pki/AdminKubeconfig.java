package io.outpost.apiserver.pki;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * The admin's kubeconfig: cluster, user and context all named {@code outpost}, with the CA and
 * the admin's client certificate and key embedded, so that the file alone is enough to connect
 * (and must be kept as secret as the key: mode 0600).
 */
public final class AdminKubeconfig {

    public static final String NAME = "outpost";

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
            .build();

    private AdminKubeconfig() {
    }

    /** The YAML text for a server at {@code server}, e.g. {@code https://127.0.0.1:6443}. */
    public static String render(URI server, ClusterPki pki) {
        Map<String, Object> cluster = new LinkedHashMap<>();
        cluster.put("server", server.toString());
        cluster.put("certificate-authority-data", base64(Pem.of(pki.ca().certificate())));
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("client-certificate-data", base64(Pem.of(pki.admin().certificate())));
        // SEC1, not PKCS#8: the form every client reads (see Pem.sec1).
        user.put("client-key-data", base64(Pem.sec1((ECPrivateKey) pki.admin().key(), pki.admin().certificate().getPublicKey())));
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("cluster", NAME);
        context.put("user", NAME);

        Map<String, Object> config = new LinkedHashMap<>();
        config.put("apiVersion", "v1");
        config.put("kind", "Config");
        config.put("clusters", List.of(Map.of("name", NAME, "cluster", cluster)));
        config.put("users", List.of(Map.of("name", NAME, "user", user)));
        config.put("contexts", List.of(Map.of("name", NAME, "context", context)));
        config.put("current-context", NAME);
        config.put("preferences", Map.of());
        return YAML.writeValueAsString(config);
    }

    /** Writes {@link #render} to {@code file}, mode 0600, atomically. */
    public static void write(Path file, URI server, ClusterPki pki) throws IOException {
        Pem.writePrivate(file, render(server, pki));
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }
}
