package io.outpost.apiserver.watchcache;

import java.util.Objects;

import tools.jackson.databind.node.ObjectNode;

/**
 * One change of one object, as the cache keeps it in its ring and hands it to watchers.
 *
 * <p>The trees are shared by the cache's state, its ring and every watcher: nobody may mutate
 * them (copy first). Each carries its {@code metadata.resourceVersion}.
 *
 * @param type     what happened
 * @param key      the store key
 * @param object   the object after the change; for DELETED the deleted object, with the deletion's
 *                 revision as its resourceVersion (what kube-apiserver sends)
 * @param previous the object before the change (null for ADDED), so that watchers with a
 *                 selector see objects that leave it
 * @param revision the store revision of the change
 */
public record CachedEvent(Type type, String key, ObjectNode object, ObjectNode previous, long revision) {

    public enum Type { ADDED, MODIFIED, DELETED }

    public CachedEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(object, "object");
    }
}
