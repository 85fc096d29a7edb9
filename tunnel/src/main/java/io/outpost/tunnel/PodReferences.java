package io.outpost.tunnel;

import java.util.Set;
import java.util.TreeSet;

import tools.jackson.databind.JsonNode;

/**
 * The ConfigMaps and Secrets a pod needs on its node, read from the pod's JSON as kubelet's
 * configmap and secret managers find them (pkg/kubelet/configmap, pkg/kubelet/secret and
 * {@code podutil.VisitPodSecretNames} / {@code VisitPodConfigmapNames}): volumes
 * ({@code configMap}, {@code secret}, and the sources of {@code projected}), every container's
 * (init, regular, ephemeral) {@code env[].valueFrom} and {@code envFrom[]}, and
 * {@code imagePullSecrets}. The server sends exactly these to the node; the agent drops the
 * ones no pod references any more. Both ends use this one reading, so they agree.
 *
 * <p>Thread model: stateless.
 */
public final class PodReferences {

    private PodReferences() {
    }

    /** Every ConfigMap and Secret {@code pod} references, in its namespace; sorted. */
    public static Set<ObjectRef> of(JsonNode pod) {
        Set<ObjectRef> refs = new TreeSet<>();
        String ns = pod.path("metadata").path("namespace").asString("");
        if (ns.isEmpty()) {
            return refs;
        }
        JsonNode spec = pod.path("spec");
        for (JsonNode volume : spec.path("volumes")) {
            add(refs, ObjectKind.CONFIG_MAP, ns, volume.path("configMap").path("name"));
            add(refs, ObjectKind.SECRET, ns, volume.path("secret").path("secretName"));
            for (JsonNode source : volume.path("projected").path("sources")) {
                add(refs, ObjectKind.CONFIG_MAP, ns, source.path("configMap").path("name"));
                add(refs, ObjectKind.SECRET, ns, source.path("secret").path("name"));
            }
        }
        for (String list : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
            for (JsonNode container : spec.path(list)) {
                for (JsonNode env : container.path("env")) {
                    add(refs, ObjectKind.CONFIG_MAP, ns, env.path("valueFrom").path("configMapKeyRef").path("name"));
                    add(refs, ObjectKind.SECRET, ns, env.path("valueFrom").path("secretKeyRef").path("name"));
                }
                for (JsonNode from : container.path("envFrom")) {
                    add(refs, ObjectKind.CONFIG_MAP, ns, from.path("configMapRef").path("name"));
                    add(refs, ObjectKind.SECRET, ns, from.path("secretRef").path("name"));
                }
            }
        }
        for (JsonNode pull : spec.path("imagePullSecrets")) {
            add(refs, ObjectKind.SECRET, ns, pull.path("name"));
        }
        return refs;
    }

    private static void add(Set<ObjectRef> refs, ObjectKind kind, String ns, JsonNode name) {
        if (name.isString() && !name.asString().isEmpty()) {
            refs.add(new ObjectRef(kind, ns, name.asString()));
        }
    }
}
