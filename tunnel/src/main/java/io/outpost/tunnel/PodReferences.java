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
 * ones no pod references any more. Both ends use this one walk (over {@link JsonTree}: the
 * server's databind tree, the agent's plain maps), so they agree.
 *
 * <p>Thread model: stateless.
 */
public final class PodReferences {

    private PodReferences() {
    }

    /** Every ConfigMap and Secret {@code pod} (the server's tree of it) references, in its namespace; sorted. */
    public static Set<ObjectRef> of(JsonNode pod) {
        return of(new JsonNodeTree(pod));
    }

    /** Every ConfigMap and Secret {@code pod} references, in its namespace; sorted. */
    public static Set<ObjectRef> of(JsonTree pod) {
        Set<ObjectRef> refs = new TreeSet<>();
        String ns = pod.path("metadata").path("namespace").text();
        if (ns.isEmpty()) {
            return refs;
        }
        JsonTree spec = pod.path("spec");
        for (JsonTree volume : spec.path("volumes").elements()) {
            add(refs, ObjectKind.CONFIG_MAP, ns, volume.path("configMap").path("name"));
            add(refs, ObjectKind.SECRET, ns, volume.path("secret").path("secretName"));
            for (JsonTree source : volume.path("projected").path("sources").elements()) {
                add(refs, ObjectKind.CONFIG_MAP, ns, source.path("configMap").path("name"));
                add(refs, ObjectKind.SECRET, ns, source.path("secret").path("name"));
            }
        }
        for (String list : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
            for (JsonTree container : spec.path(list).elements()) {
                for (JsonTree env : container.path("env").elements()) {
                    add(refs, ObjectKind.CONFIG_MAP, ns, env.path("valueFrom").path("configMapKeyRef").path("name"));
                    add(refs, ObjectKind.SECRET, ns, env.path("valueFrom").path("secretKeyRef").path("name"));
                }
                for (JsonTree from : container.path("envFrom").elements()) {
                    add(refs, ObjectKind.CONFIG_MAP, ns, from.path("configMapRef").path("name"));
                    add(refs, ObjectKind.SECRET, ns, from.path("secretRef").path("name"));
                }
            }
        }
        for (JsonTree pull : spec.path("imagePullSecrets").elements()) {
            add(refs, ObjectKind.SECRET, ns, pull.path("name"));
        }
        return refs;
    }

    private static void add(Set<ObjectRef> refs, ObjectKind kind, String ns, JsonTree name) {
        if (!name.text().isEmpty()) {
            refs.add(new ObjectRef(kind, ns, name.text()));
        }
    }
}
