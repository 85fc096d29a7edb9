package io.outpost.apiserver.registry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.outpost.api.ResourceType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The per-kind parts of the generic verbs that kube-apiserver keeps in each resource's
 * {@code strategy.go}: which kinds a PUT may create, which are deleted gracefully, which have
 * a status subresource, and the field labels a field selector may use.
 *
 * <p>Stateless; one instance per resource type.
 */
record KindRules(ResourceType type) {

    /** Kinds whose strategy says {@code AllowCreateOnUpdate() == true}. */
    private static final Set<String> CREATE_ON_UPDATE = Set.of(
            "/events", "/endpoints", "coordination.k8s.io/leases", "events.k8s.io/events",
            "rbac.authorization.k8s.io/roles", "rbac.authorization.k8s.io/rolebindings",
            "rbac.authorization.k8s.io/clusterroles", "rbac.authorization.k8s.io/clusterrolebindings");

    private String id() {
        return type.kind().group() + "/" + type.plural();
    }

    boolean isCore(String plural) {
        return type.kind().group().isEmpty() && type.plural().equals(plural);
    }

    boolean allowCreateOnUpdate() {
        return CREATE_ON_UPDATE.contains(id());
    }

    boolean hasStatus() {
        return type.subresource("status").isPresent();
    }

    /**
     * The finalizer the kind's own storage adds when a delete begins, or null: kube's CRD storage
     * adds {@code customresourcecleanup.apiextensions.k8s.io} so that the CRD stays until its
     * custom objects are deleted ({@code customresourcedefinition/etcd.go}).
     */
    String deleteFinalizer() {
        return id().equals("apiextensions.k8s.io/customresourcedefinitions") ? "customresourcecleanup.apiextensions.k8s.io" : null;
    }

    /** Pods are deleted gracefully: the kubelet removes them once their containers stop. */
    boolean gracefulDelete() {
        return isCore("pods");
    }

    /**
     * The fields a field selector may name on this kind and their values for {@code object}, as
     * each kind's {@code GetAttrs}/{@code ToSelectableFields} does. metadata.name and
     * metadata.namespace (cluster-scoped: no namespace) exist everywhere.
     */
    Map<String, String> fields(ObjectNode object) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("metadata.name", text(object.path("metadata").path("name")));
        if (type.namespaced()) {
            f.put("metadata.namespace", text(object.path("metadata").path("namespace")));
        }
        if (isCore("pods")) {
            f.put("spec.nodeName", text(object.path("spec").path("nodeName")));
            f.put("spec.restartPolicy", text(object.path("spec").path("restartPolicy")));
            f.put("spec.schedulerName", text(object.path("spec").path("schedulerName")));
            f.put("spec.serviceAccountName", text(object.path("spec").path("serviceAccountName")));
            f.put("status.phase", text(object.path("status").path("phase")));
            f.put("status.podIP", text(object.path("status").path("podIP")));
            f.put("status.nominatedNodeName", text(object.path("status").path("nominatedNodeName")));
        } else if (isCore("events")) {
            JsonNode io = object.path("involvedObject");
            for (String k : new String[] {"kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"}) {
                f.put("involvedObject." + k, text(io.path(k)));
            }
            f.put("reason", text(object.path("reason")));
            f.put("reportingComponent", text(object.path("reportingComponent")));
            // kube's event ToSelectableFields: source falls back to the reporting component (new-style events have no source)
            String source = text(object.path("source").path("component"));
            f.put("source", source.isEmpty() ? text(object.path("reportingComponent")) : source);
            f.put("type", text(object.path("type")));
        } else if (isCore("nodes")) {
            f.put("spec.unschedulable", Boolean.toString(object.path("spec").path("unschedulable").asBoolean(false)));
        } else if (isCore("namespaces")) {
            f.put("status.phase", text(object.path("status").path("phase")));
        } else if (isCore("secrets")) {
            f.put("type", text(object.path("type")));
        } else if (type.kind().group().equals("apps") && type.plural().equals("replicasets")) {
            f.put("status.replicas", Integer.toString(object.path("status").path("replicas").asInt(0)));
        } else if (type.kind().group().equals("batch") && type.plural().equals("jobs")) {
            f.put("status.successful", Integer.toString(object.path("status").path("succeeded").asInt(0)));
        }
        return f;
    }

    /** Server-set status on create, as the kinds' {@code PrepareForCreate} do. */
    void prepareStatusForCreate(ObjectNode object) {
        if (isCore("namespaces")) {
            object.putObject("status").put("phase", "Active");
        } else if (isCore("pods")) {
            ObjectNode status = object.get("status") instanceof ObjectNode s ? s : object.putObject("status");
            status.removeAll();
            status.put("phase", "Pending");
        } else if (hasStatus() && !isCore("nodes")) {
            // kube's nodeStrategy keeps a new Node's status: the kubelet registers with its capacity
            object.remove("status");
        }
    }

    private static String text(JsonNode node) {
        return node.isValueNode() ? node.asString("") : "";
    }
}
