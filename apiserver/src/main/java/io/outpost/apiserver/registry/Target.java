package io.outpost.apiserver.registry;

import java.util.Objects;

import io.outpost.api.ResourceType;

/**
 * What a request's URL resolved to, as the router hands it to the {@link Registry}:
 * {@code /api/v1/namespaces/default/pods/web-0/status} is
 * {@code Target(pods, "default", "web-0", "status")}.
 *
 * @param type        the resource
 * @param namespace   the namespace in the URL; null for a cluster-scoped resource or a list across namespaces
 * @param name        the object's name; null for a collection
 * @param subresource {@code status}, {@code scale}, {@code binding}; null for the object itself
 */
public record Target(ResourceType type, String namespace, String name, String subresource) {

    public Target {
        Objects.requireNonNull(type, "type");
        if (namespace != null && namespace.isEmpty()) {
            namespace = null;
        }
        if (subresource != null && subresource.isEmpty()) {
            subresource = null;
        }
        if (subresource != null && name == null) {
            throw new IllegalArgumentException("a subresource needs an object name");
        }
    }

    public static Target collection(ResourceType type, String namespace) {
        return new Target(type, namespace, null, null);
    }

    public static Target object(ResourceType type, String namespace, String name) {
        return new Target(type, namespace, name, null);
    }

    /** The store key of the named object. */
    String key() {
        return type.key(namespace, name);
    }
}
