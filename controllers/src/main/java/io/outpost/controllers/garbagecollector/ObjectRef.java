package io.outpost.controllers.garbagecollector;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * An object the collector tracks: its resource (from discovery), namespace ("" if cluster-scoped),
 * name and uid.
 */
record ObjectRef(ResourceDefinitionContext resource, String namespace, String name, String uid) {

    String apiVersion() {
        return resource.getGroup() == null || resource.getGroup().isEmpty()
                ? resource.getVersion() : resource.getGroup() + "/" + resource.getVersion();
    }

    @Override
    public String toString() {
        return resource.getKind() + " " + (namespace.isEmpty() ? "" : namespace + "/") + name + " (" + uid + ")";
    }
}
