package io.outpost.apiserver.watchcache;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import io.outpost.api.ResourceType;

/**
 * The watch cache of every resource, each opened on first use with its own dispatcher thread.
 *
 * <p>Thread model: {@link #of} from any request thread; a cache's dispatcher is a virtual thread
 * named {@code watch-cache <prefix>} that runs until {@link #close}. Opening lazily means an idle
 * resource costs nothing; the first list or watch of a resource waits for its initial list.
 */
public final class WatchCaches implements AutoCloseable {

    private final WatchCacheConfig config;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, WatchCache> caches = new HashMap<>();
    private boolean closed;

    public WatchCaches(WatchCacheConfig config) {
        this.config = config;
    }

    /** The cache of {@code type} (all namespaces), opened and started if this is its first use. */
    public WatchCache of(ResourceType type) {
        String prefix = type.keyPrefix();
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the watch caches are closed");
            }
            WatchCache cache = caches.get(prefix);
            if (cache == null) {
                cache = new WatchCache(config, prefix);
                caches.put(prefix, cache);
                Thread.ofVirtual().name("watch-cache " + prefix).start(cache::run);
            }
            return cache;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the cache of a resource that is no longer served (its CRD was deleted): its watchers
     * end, as kube ends the watches of a removed custom resource. A later {@link #of} opens a new one.
     */
    public void stop(ResourceType type) {
        WatchCache cache;
        lock.lock();
        try {
            cache = caches.remove(type.keyPrefix());
        } finally {
            lock.unlock();
        }
        if (cache != null) {
            cache.close();
        }
    }

    /** Closes every cache: their watchers end and their dispatchers stop. Idempotent. */
    @Override
    public void close() {
        List<WatchCache> open;
        lock.lock();
        try {
            closed = true;
            open = new ArrayList<>(caches.values());
            caches.clear();
        } finally {
            lock.unlock();
        }
        open.forEach(WatchCache::close);
    }
}
