package io.outpost.apiserver.auth;

import java.util.Set;
import java.util.TreeSet;

import tools.jackson.databind.JsonNode;

/**
 * The Secrets and ConfigMaps a pod uses, as kube's node authorizer graph links them
 * ({@code plugin/pkg/auth/authorizer/node/graph_populator.go} through {@code podutil.VisitPodSecretNames}
 * and {@code VisitPodConfigmapNames}): volumes (also projected sources), the env and envFrom of
 * init, regular and ephemeral containers, image pull secrets.
 */
final class PodReferences {

    private PodReferences() {
    }

    static Set<String> secrets(JsonNode pod) {
        Set<String> names = new TreeSet<>();
        JsonNode spec = pod.path("spec");
        for (JsonNode s : spec.path("imagePullSecrets")) {
            add(names, s.path("name"));
        }
        for (JsonNode v : spec.path("volumes")) {
            add(names, v.path("secret").path("secretName"));
            for (JsonNode source : v.path("projected").path("sources")) {
                add(names, source.path("secret").path("name"));
            }
            // Volume plugins that name a Secret for their credentials.
            for (String plugin : new String[] {"azureFile", "cephfs", "cinder", "flexVolume", "iscsi", "rbd", "scaleIO",
                    "storageos", "csi"}) {
                JsonNode p = v.path(plugin);
                add(names, p.path("secretName"));
                add(names, p.path("secretRef").path("name"));
                add(names, p.path("nodePublishSecretRef").path("name"));
            }
        }
        containers(spec, c -> {
            for (JsonNode e : c.path("envFrom")) {
                add(names, e.path("secretRef").path("name"));
            }
            for (JsonNode e : c.path("env")) {
                add(names, e.path("valueFrom").path("secretKeyRef").path("name"));
            }
        });
        return names;
    }

    static Set<String> configMaps(JsonNode pod) {
        Set<String> names = new TreeSet<>();
        JsonNode spec = pod.path("spec");
        for (JsonNode v : spec.path("volumes")) {
            add(names, v.path("configMap").path("name"));
            for (JsonNode source : v.path("projected").path("sources")) {
                add(names, source.path("configMap").path("name"));
            }
        }
        containers(spec, c -> {
            for (JsonNode e : c.path("envFrom")) {
                add(names, e.path("configMapRef").path("name"));
            }
            for (JsonNode e : c.path("env")) {
                add(names, e.path("valueFrom").path("configMapKeyRef").path("name"));
            }
        });
        return names;
    }

    private static void containers(JsonNode spec, java.util.function.Consumer<JsonNode> visit) {
        for (String field : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
            for (JsonNode c : spec.path(field)) {
                visit.accept(c);
            }
        }
    }

    private static void add(Set<String> names, JsonNode name) {
        String n = name.asString("");
        if (!n.isEmpty()) {
            names.add(n);
        }
    }
}
