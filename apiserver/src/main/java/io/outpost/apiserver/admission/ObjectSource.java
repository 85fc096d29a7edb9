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
