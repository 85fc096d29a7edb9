package io.outpost.apiserver.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import io.outpost.api.GroupVersionKind;
import io.outpost.api.ResourceType;
import io.outpost.api.ResourceTypes;

/**
 * The resources served right now: the built-ins and the versions of every established
 * CustomResourceDefinition. Readers take the current {@link Snapshot} once per request and use
 * only it, so a request sees one consistent set even while a CRD comes or goes; writers build a
 * new snapshot and swap it in (kube-apiserver's apiextensions handler does the same with its
 * {@code crdStorageMap}).
 *
 * <p>Thread model: {@link #snapshot()} from any thread, lock-free. {@link #put} and
 * {@link #remove} are called by the CRD controller's one thread (they take a lock anyway);
 * removal listeners run on the caller's thread after the swap.
 */
public final class ResourceCatalog {

    /** One consistent view: every served resource, and the custom ones' serving details. */
    public record Snapshot(ResourceTypes types, Map<GroupVersionKind, CustomKind> custom) {

        public Snapshot {
            custom = Map.copyOf(custom);
        }

        public Optional<CustomKind> custom(GroupVersionKind kind) {
            return Optional.ofNullable(custom.get(kind));
        }
    }

    private final ResourceTypes builtIns;
    private final ReentrantLock lock = new ReentrantLock();
    /** Served versions by CRD name, in the order the CRDs were established. */
    private final Map<String, List<CustomKind>> byCrd = new LinkedHashMap<>();
    private final List<Consumer<ResourceType>> removalListeners = new CopyOnWriteArrayList<>();
    private volatile Snapshot current;

    public ResourceCatalog(ResourceTypes builtIns) {
        this.builtIns = builtIns;
        this.current = new Snapshot(builtIns, Map.of());
    }

    /** The resources served now. */
    public Snapshot snapshot() {
        return current;
    }

    public ResourceTypes types() {
        return current.types();
    }

    /** Called with each resource that stops being served (its watch cache can go). */
    public void onRemoved(Consumer<ResourceType> listener) {
        removalListeners.add(listener);
    }

    /**
     * Serves the versions of one CRD, replacing what it served before.
     *
     * @throws IllegalArgumentException if a version clashes with a served resource (names,
     *                                  kinds or short names); nothing changes then
     */
    public void put(String crdName, List<CustomKind> kinds) {
        lock.lock();
        try {
            Map<String, List<CustomKind>> next = new LinkedHashMap<>(byCrd);
            next.put(crdName, List.copyOf(kinds));
            swap(next);
        } finally {
            lock.unlock();
        }
    }

    /** Stops serving one CRD's resources; nothing happens if it was not served. */
    public void remove(String crdName) {
        lock.lock();
        try {
            if (!byCrd.containsKey(crdName)) {
                return;
            }
            Map<String, List<CustomKind>> next = new LinkedHashMap<>(byCrd);
            next.remove(crdName);
            swap(next);
        } finally {
            lock.unlock();
        }
    }

    /** Whether a CRD's resources are served. */
    public boolean serves(String crdName) {
        return current.custom().values().stream().anyMatch(k -> k.crdName().equals(crdName));
    }

    private void swap(Map<String, List<CustomKind>> next) {
        List<ResourceType> types = new ArrayList<>();
        Map<GroupVersionKind, CustomKind> custom = new LinkedHashMap<>();
        for (List<CustomKind> kinds : next.values()) {
            for (CustomKind k : kinds) {
                types.add(k.type());
                custom.put(k.type().kind(), k);
            }
        }
        Snapshot before = current;
        Snapshot after = new Snapshot(builtIns.plus(types), custom);
        byCrd.clear();
        byCrd.putAll(next);
        current = after;
        Set<String> servedPrefixes = after.types().all().stream().map(ResourceType::keyPrefix).collect(Collectors.toSet());
        for (CustomKind gone : before.custom().values()) {
            if (!after.custom().containsKey(gone.type().kind()) && !servedPrefixes.contains(gone.type().keyPrefix())) {
                removalListeners.forEach(l -> l.accept(gone.type()));
            }
        }
    }
}
