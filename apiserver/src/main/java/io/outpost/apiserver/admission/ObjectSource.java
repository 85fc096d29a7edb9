package io.outpost.apiserver.admission;

import java.util.List;
import java.util.Optional;

import io.outpost.api.ResourceType;
import tools.jackson.databind.node.ObjectNode;

/**
 * What admission plugins may read: current objects, served from the registry's in-memory watch
 * caches (kube's plugins read informers), never a store read per request. The trees are shared:
 * read only.
 */
public interface ObjectSource {

    /** The current objects of {@code type} in every namespace, with the revision they are as of. */
    Listing list(ResourceType type);

    /** One current object. */
    Optional<ObjectNode> get(ResourceType type, String namespace, String name);

    /**
     * As {@link #list}, but once the cache has caught up with the store's current revision (kube's
     * consistent read from cache): for a reader that must not miss a write made just before, at the
     * price of a revision read and a short wait. Sources without a store answer {@link #list}.
     */
    default Listing listFresh(ResourceType type) {
        return list(type);
    }

    /** As {@link #get}, consistent with the store as {@link #listFresh} is. */
    default Optional<ObjectNode> getFresh(ResourceType type, String namespace, String name) {
        return get(type, namespace, name);
    }

    /** The stored resource serving {@code apiVersion} and {@code kind}, if any. */
    Optional<ResourceType> resourceOf(String apiVersion, String kind);

    /** The objects of a resource as of {@code revision}. */
    record Listing(List<Item> items, long revision) {
        public Listing {
            items = List.copyOf(items);
        }
    }

    /** One object and the revision it was last written at (its resourceVersion). */
    record Item(ObjectNode object, long revision) {
    }
}
