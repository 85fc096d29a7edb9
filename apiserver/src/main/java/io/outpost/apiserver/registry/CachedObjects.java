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

    CachedObjects(WatchCaches caches, List<ResourceType> types) {
        this.caches = caches;
        this.types = List.copyOf(types);
    }

    @Override
    public Listing list(ResourceType type) {
        WatchCache cache = caches.of(type);
        try {
            return cache.snapshot(type.keyPrefix(), 0)
                    .map(s -> new Listing(s.items().stream().map(v -> new Item(v.object(), v.revision())).toList(), s.revision()))
                    .orElse(new Listing(List.of(), cache.revision()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.internal("interrupted while reading " + type.plural());
        }
    }

    @Override
    public Optional<ObjectNode> get(ResourceType type, String namespace, String name) {
        String key = type.key(namespace, name);
        try {
            return caches.of(type).snapshot(key, 0).flatMap(s -> s.items().stream()
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
