package io.outpost.apiserver.registry;

import java.util.List;
import java.util.Optional;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.admission.ObjectSource;
import io.outpost.apiserver.storage.Versioned;
import io.outpost.apiserver.watchcache.WatchCache;
import io.outpost.apiserver.watchcache.WatchCaches;
import tools.jackson.databind.node.ObjectNode;

/**
 * Admission's view of current objects, from the registry's watch caches (memory, kept current by
 * the store watch), as kube's admission plugins read informers. A cache not yet listed is waited
 * for up to its freshness wait; after that the answer is empty rather than a store read.
 *
 * <p>Thread model: any request thread; the caches do their own locking.
 */
final class CachedObjects implements ObjectSource {

    private final WatchCaches caches;
    private final List<ResourceType> types;
    private final java.util.function.LongSupplier storeRevision;

    CachedObjects(WatchCaches caches, List<ResourceType> types, java.util.function.LongSupplier storeRevision) {
        this.caches = caches;
        this.types = List.copyOf(types);
        this.storeRevision = storeRevision;
    }

    @Override
    public Listing list(ResourceType type) {
        return list(type, 0);
    }

    @Override
    public Listing listFresh(ResourceType type) {
        return list(type, storeRevision.getAsLong());
    }

    @Override
    public Optional<ObjectNode> getFresh(ResourceType type, String namespace, String name) {
        return get(type, namespace, name, storeRevision.getAsLong());
    }

    private Listing list(ResourceType type, long atLeast) {
        WatchCache cache = caches.of(type);
        try {
            return cache.snapshot(type.keyPrefix(), atLeast)
                    .map(s -> new Listing(s.items().stream().map(v -> new Item(v.object(), v.revision())).toList(), s.revision()))
                    .orElse(new Listing(List.of(), cache.revision()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.internal("interrupted while reading " + type.plural());
        }
    }

    @Override
    public Optional<ObjectNode> get(ResourceType type, String namespace, String name) {
        return get(type, namespace, name, 0);
    }

    private Optional<ObjectNode> get(ResourceType type, String namespace, String name, long atLeast) {
        String key = type.key(namespace, name);
        try {
            return caches.of(type).snapshot(key, atLeast).flatMap(s -> s.items().stream()
                    .filter(v -> v.key().equals(key)).map(Versioned::object).findFirst());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.internal("interrupted while reading " + type.plural());
        }
    }

    @Override
    public Optional<ResourceType> resourceOf(String apiVersion, String kind) {
        return types.stream()
                .filter(t -> t.stored() && t.kind().apiVersion().equals(apiVersion) && t.kind().kind().equals(kind))
                .findFirst();
    }
}
