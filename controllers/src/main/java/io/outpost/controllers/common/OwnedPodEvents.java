package io.outpost.controllers.common;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToIntFunction;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.outpost.controllers.runtime.Expectations;
import io.outpost.controllers.runtime.WorkQueue;

/**
 * What a pod's add, update and delete mean to the controller that owns pods through a controller
 * reference and a selector: kube's {@code addPod}, {@code updatePod} and {@code deletePod} of the
 * ReplicaSet, DaemonSet and StatefulSet controllers, which are the same three functions there.
 * <ul>
 *   <li>An owned pod queues its owner and is counted against the owner's expectations: a creation
 *       when it is added, a deletion when it is deleted or gets a deletion timestamp (a graceful
 *       delete shows as an update first; kube counts it then, so a replacement is not held back
 *       for the grace period).</li>
 *   <li>A pod that became ready queues its owner again after {@code minReadySeconds + 1 s}, when it
 *       becomes available (the second lands after the boundary, as kube's).</li>
 *   <li>A pod whose controller reference changed also queues its former owner.</li>
 *   <li>An orphan queues every owner in its namespace whose non-empty selector matches it, when it
 *       is added or its labels or controller reference changed: they may adopt it.</li>
 * </ul>
 * A resync (same resourceVersion) means nothing.
 *
 * <p>Thread model: runs on the pod informer's event thread; it only reads the owners' cache,
 * counts expectations and enqueues.
 *
 * @param <T> the owning kind
 */
public final class OwnedPodEvents<T extends HasMetadata> implements ResourceEventHandler<Pod> {

    /**
     * The owning kind, as its controller sees it.
     *
     * @param informer        the owners' informer (its store resolves references, its namespace
     *                        index finds an orphan's candidates)
     * @param group           the owners' API group, as controller references name it
     * @param kind            the owners' kind
     * @param selector        an owner's pod selector
     * @param minReadySeconds an owner's {@code spec.minReadySeconds}, 0 if unset
     */
    public record Owners<T extends HasMetadata>(SharedIndexInformer<T> informer, String group, String kind,
                                                Function<T, LabelSelector> selector, ToIntFunction<T> minReadySeconds) {
    }

    private final Owners<T> owners;
    private final Expectations expectations;
    private final WorkQueue<String> queue;

    public OwnedPodEvents(Owners<T> owners, Expectations expectations, WorkQueue<String> queue) {
        this.owners = owners;
        this.expectations = expectations;
        this.queue = queue;
    }

    @Override
    public void onAdd(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            // Seen first while being deleted (a restart): it must not count as a creation.
            onDelete(pod, false);
            return;
        }
        Optional<OwnerReference> ref = Pods.controllerOf(pod);
        if (ref.isPresent()) {
            T owner = resolve(pod, ref.get());
            if (owner != null) {
                expectations.creationObserved(Pods.key(owner));
                queue.add(Pods.key(owner));
            }
            return;
        }
        queueMatching(pod);
    }

    @Override
    public void onUpdate(Pod old, Pod cur) {
        if (Objects.equals(old.getMetadata().getResourceVersion(), cur.getMetadata().getResourceVersion())) {
            return; // a resync: nothing changed
        }
        boolean labelsChanged = !Objects.equals(old.getMetadata().getLabels(), cur.getMetadata().getLabels());
        if (cur.getMetadata().getDeletionTimestamp() != null) {
            onDelete(cur, false);
            if (labelsChanged) {
                onDelete(old, false);
            }
            return;
        }
        Optional<OwnerReference> oldRef = Pods.controllerOf(old);
        Optional<OwnerReference> curRef = Pods.controllerOf(cur);
        boolean refChanged = !Objects.equals(oldRef.map(OwnerReference::getUid), curRef.map(OwnerReference::getUid));
        if (refChanged && oldRef.isPresent()) {
            T former = resolve(old, oldRef.get());
            if (former != null) {
                queue.add(Pods.key(former));
            }
        }
        if (curRef.isPresent()) {
            T owner = resolve(cur, curRef.get());
            if (owner != null) {
                queue.add(Pods.key(owner));
                int minReady = owners.minReadySeconds().applyAsInt(owner);
                if (minReady > 0 && !Pods.isReady(old) && Pods.isReady(cur)) {
                    queue.addAfter(Pods.key(owner), Duration.ofSeconds(minReady + 1L));
                }
            }
            return;
        }
        if (labelsChanged || refChanged) {
            queueMatching(cur);
        }
    }

    @Override
    public void onDelete(Pod pod, boolean finalStateUnknown) {
        Optional<OwnerReference> ref = Pods.controllerOf(pod);
        if (ref.isEmpty()) {
            return;
        }
        T owner = resolve(pod, ref.get());
        if (owner != null) {
            expectations.deletionObserved(Pods.key(owner), Pods.key(pod));
            queue.add(Pods.key(owner));
        }
    }

    private T resolve(Pod pod, OwnerReference ref) {
        return Pods.resolveControllerRef(owners.informer().getStore(), owners.group(), owners.kind(),
                pod.getMetadata().getNamespace(), ref);
    }

    private void queueMatching(Pod pod) {
        for (T owner : owners.informer().getIndexer().byIndex(Cache.NAMESPACE_INDEX, pod.getMetadata().getNamespace())) {
            LabelSelector selector = owners.selector().apply(owner);
            if (!Selectors.isEmpty(selector) && Selectors.matches(selector, pod.getMetadata().getLabels())) {
                queue.add(Pods.key(owner));
            }
        }
    }
}
