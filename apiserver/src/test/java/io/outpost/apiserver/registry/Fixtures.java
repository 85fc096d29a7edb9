package io.outpost.apiserver.registry;

import java.util.List;

import io.outpost.api.GroupVersionKind;
import io.outpost.api.ResourceType;
import io.outpost.api.Scope;
import io.outpost.api.Subresource;

/** Resource types for tests, written here while the real registry of types is built elsewhere. */
final class Fixtures {

    private static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    static final ResourceType PODS = type("", "Pod", "pods", Scope.NAMESPACED,
            sub("status", "", "Pod"), sub("binding", "", "Binding"));
    static final ResourceType CONFIGMAPS = type("", "ConfigMap", "configmaps", Scope.NAMESPACED);
    static final ResourceType EVENTS = type("", "Event", "events", Scope.NAMESPACED);
    static final ResourceType NAMESPACES = type("", "Namespace", "namespaces", Scope.CLUSTER, sub("status", "", "Namespace"));
    static final ResourceType NODES = type("", "Node", "nodes", Scope.CLUSTER, sub("status", "", "Node"));
    static final ResourceType DEPLOYMENTS = type("apps", "Deployment", "deployments", Scope.NAMESPACED,
            sub("status", "apps", "Deployment"), new Subresource("scale", new GroupVersionKind("autoscaling", "v1", "Scale"), List.of("get", "patch", "update")));
    static final ResourceType LEASES = type("coordination.k8s.io", "Lease", "leases", Scope.NAMESPACED);

    static final List<ResourceType> ALL = List.of(PODS, CONFIGMAPS, EVENTS, NAMESPACES, NODES, DEPLOYMENTS, LEASES);

    private Fixtures() {
    }

    private static Subresource sub(String name, String group, String kind) {
        return new Subresource(name, new GroupVersionKind(group, "v1", kind), List.of("get", "patch", "update"));
    }

    private static ResourceType type(String group, String kind, String plural, Scope scope, Subresource... subs) {
        return new ResourceType(new GroupVersionKind(group, "v1", kind), plural, kind.toLowerCase(), scope,
                List.of(), List.of(), VERBS, List.of(subs));
    }
}
