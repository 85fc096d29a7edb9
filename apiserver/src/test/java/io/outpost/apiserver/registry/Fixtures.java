package io.outpost.apiserver.registry;

import java.util.List;

import io.outpost.api.ResourceType;
import io.outpost.api.ResourceTypes;

/** The built-in resource types, as the server serves them, under short names for tests. */
final class Fixtures {

    static final ResourceTypes TYPES = ResourceTypes.builtIns();

    static final ResourceType PODS = type("", "pods");
    static final ResourceType CONFIGMAPS = type("", "configmaps");
    static final ResourceType SECRETS = type("", "secrets");
    static final ResourceType SERVICES = type("", "services");
    static final ResourceType EVENTS = type("", "events");
    static final ResourceType NAMESPACES = type("", "namespaces");
    static final ResourceType NODES = type("", "nodes");
    static final ResourceType DEPLOYMENTS = type("apps", "deployments");
    static final ResourceType REPLICASETS = type("apps", "replicasets");
    static final ResourceType STATEFULSETS = type("apps", "statefulsets");
    static final ResourceType DAEMONSETS = type("apps", "daemonsets");
    static final ResourceType CONTROLLERREVISIONS = type("apps", "controllerrevisions");
    static final ResourceType JOBS = type("batch", "jobs");
    static final ResourceType CRONJOBS = type("batch", "cronjobs");
    static final ResourceType LEASES = type("coordination.k8s.io", "leases");

    static final List<ResourceType> ALL = TYPES.all();

    private Fixtures() {
    }

    private static ResourceType type(String group, String plural) {
        return TYPES.lookup(group, "v1", plural).orElseThrow(() -> new IllegalStateException("no built-in " + group + "/" + plural));
    }
}
