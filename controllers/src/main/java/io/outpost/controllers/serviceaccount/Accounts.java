package io.outpost.controllers.serviceaccount;

import java.util.List;
import java.util.function.Predicate;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** What the ServiceAccount controller decides for one namespace, free of the API and the caches. */
final class Accounts {

    /** The accounts every Active namespace has (kube's {@code serviceAccountsToEnsure}). */
    static final List<String> ENSURED = List.of("default");
    /** The status cause kube's NamespaceLifecycle admission puts on a create it refuses. */
    static final String NAMESPACE_TERMINATING_CAUSE = "NamespaceTerminating";

    private Accounts() {
    }

    /**
     * The accounts to create in {@code namespace}: none unless it is Active (a namespace being
     * deleted would refuse them, and its finalizer deletes them anyway), else each ensured one
     * that {@code exists} does not report. A namespace with no phase yet counts as Active, as the
     * API server defaults it.
     */
    static List<ServiceAccount> missing(Namespace namespace, Predicate<String> exists) {
        if (!active(namespace)) {
            return List.of();
        }
        String ns = namespace.getMetadata().getName();
        return ENSURED.stream().filter(name -> !exists.test(name))
                .map(name -> new ServiceAccountBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().build())
                .toList();
    }

    static boolean active(Namespace namespace) {
        if (namespace.getMetadata().getDeletionTimestamp() != null) {
            return false;
        }
        String phase = namespace.getStatus() == null ? null : namespace.getStatus().getPhase();
        return phase == null || phase.isEmpty() || "Active".equals(phase);
    }

    /**
     * Whether a failed create needs no retry: the account exists already (409), or the namespace
     * turned Terminating after the cache showed it Active (403 with the NamespaceTerminating
     * cause); retrying that would only back off until the namespace is gone.
     */
    static boolean settled(KubernetesClientException e) {
        if (e.getCode() == 409) {
            return true;
        }
        Status status = e.getStatus();
        return e.getCode() == 403 && status != null && status.getDetails() != null && status.getDetails().getCauses() != null
                && status.getDetails().getCauses().stream().anyMatch(c -> NAMESPACE_TERMINATING_CAUSE.equals(c.getReason()));
    }
}
