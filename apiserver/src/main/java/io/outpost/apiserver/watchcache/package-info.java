/**
 * The watch cache: per resource, the current objects and a ring of recent events, fed by one
 * store watch, serving the registry's watches and its lists at resourceVersion "0"
 * (kube-apiserver's {@code cacher}, simplified).
 *
 * <p>{@link io.outpost.apiserver.watchcache.WatchCaches} opens one
 * {@link io.outpost.apiserver.watchcache.WatchCache} per resource on first use; each has one
 * dispatcher thread, keeps an {@link io.outpost.apiserver.watchcache.EventRing} of the last N
 * events, and fans events out to {@link io.outpost.apiserver.watchcache.CacheWatcher}s, each with a
 * bounded buffer: a watcher that cannot keep up is ended, never buffered without bound.
 *
 * <p>Not done yet: serialising an event once for all watchers (each watcher writes its own
 * JSON), consistent reads (resourceVersion "") from the cache, paging lists from the cache, and a
 * store-level progress notification (progress is inferred from quiet polls, see
 * {@link io.outpost.apiserver.watchcache.WatchCache}).
 */
package io.outpost.apiserver.watchcache;
