package io.outpost.controllers.runtime;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/**
 * Informer event handlers for the common shapes, so a controller says what an event means for its
 * queue instead of writing the three callbacks out.
 *
 * <p>Thread model: the handlers run on the informer's event thread, as fabric8 calls them; the
 * actions given should only enqueue.
 */
public final class Handlers {

    private Handlers() {
    }

    /**
     * Calls {@code action} with {@code (null, added)}, {@code (old, updated)} and
     * {@code (null, deleted)}: for keys that depend on both sides of an update (the services
     * that selected a pod before a relabel and after it).
     */
    public static <T> ResourceEventHandler<T> onChange(BiConsumer<T, T> action) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                action.accept(null, obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                action.accept(oldObj, newObj);
            }

            @Override
            public void onDelete(T obj, boolean finalStateUnknown) {
                action.accept(null, obj);
            }
        };
    }

    /** Calls {@code action} with the object added, the new side of an update, and the object deleted. */
    public static <T> ResourceEventHandler<T> onEach(Consumer<T> action) {
        return onChange((old, cur) -> action.accept(cur));
    }

    /**
     * Calls {@code action} with the object added and the new side of an update, not on a
     * deletion: for keys whose deletion needs nothing (what they own goes with them).
     */
    public static <T> ResourceEventHandler<T> onAddOrUpdate(Consumer<T> action) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                action.accept(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                action.accept(newObj);
            }

            @Override
            public void onDelete(T obj, boolean finalStateUnknown) {
            }
        };
    }

    /** Calls {@code action} with a deleted object only. */
    public static <T> ResourceEventHandler<T> onDelete(Consumer<T> action) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
            }

            @Override
            public void onDelete(T obj, boolean finalStateUnknown) {
                action.accept(obj);
            }
        };
    }
}
