package io.outpost.controllers.common;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

/** What kube's controller_utils and podutil say about a pod. */
public final class Pods {

    private Pods() {
    }

    /** Not terminated and not being deleted (kube's {@code IsPodActive}). */
    public static boolean isActive(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return !"Succeeded".equals(phase) && !"Failed".equals(phase) && pod.getMetadata().getDeletionTimestamp() == null;
    }

    public static Optional<PodCondition> readyCondition(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst();
    }

    public static boolean isReady(Pod pod) {
        return readyCondition(pod).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    /** Ready for at least {@code minReadySeconds} at {@code now} (kube's {@code IsPodAvailable}). */
    public static boolean isAvailable(Pod pod, int minReadySeconds, Instant now) {
        if (!isReady(pod)) {
            return false;
        }
        if (minReadySeconds == 0) {
            return true;
        }
        String since = readyCondition(pod).map(PodCondition::getLastTransitionTime).orElse(null);
        if (since == null || since.isEmpty()) {
            return false;
        }
        return !Instant.parse(since).plus(Duration.ofSeconds(minReadySeconds)).isAfter(now);
    }

    public static Optional<OwnerReference> controllerOf(io.fabric8.kubernetes.api.model.HasMetadata obj) {
        if (obj.getMetadata().getOwnerReferences() == null) {
            return Optional.empty();
        }
        return obj.getMetadata().getOwnerReferences().stream().filter(o -> Boolean.TRUE.equals(o.getController())).findFirst();
    }

    /**
     * kube's {@code resolveControllerRef}: the owner that {@code ref} names in {@code owners}'
     * cache, if it is a {@code kind} of API group {@code group} in {@code namespace} with the ref's
     * uid (a new owner of the same name is not the pod's); otherwise null.
     */
    public static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T resolveControllerRef(
            io.fabric8.kubernetes.client.informers.cache.Store<T> owners, String group, String kind, String namespace,
            OwnerReference ref) {
        if (!kind.equals(ref.getKind()) || ref.getApiVersion() == null || !ref.getApiVersion().startsWith(group + "/")) {
            return null;
        }
        T owner = owners.getByKey(namespace + "/" + ref.getName());
        return owner != null && java.util.Objects.equals(owner.getMetadata().getUid(), ref.getUid()) ? owner : null;
    }

    public static String key(io.fabric8.kubernetes.api.model.HasMetadata obj) {
        String ns = obj.getMetadata().getNamespace();
        return ns == null || ns.isEmpty() ? obj.getMetadata().getName() : ns + "/" + obj.getMetadata().getName();
    }
}
