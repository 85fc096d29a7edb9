package io.outpost.controllers.common;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * Adoption and release of children by a controller (kube's {@code ControllerRefManager}):
 * <ul>
 *   <li>a child the controller owns stays if the selector still matches it; otherwise it is
 *       released (our reference removed), unless the controller is being deleted;</li>
 *   <li>an orphan the selector matches is adopted (our controller reference added), unless the
 *       controller or the orphan is being deleted, or a fresh read shows the controller is not
 *       the one cached (kube's {@code RecheckDeletionTimestamp}, done once, lazily);</li>
 *   <li>a child another controller owns is never touched.</li>
 * </ul>
 * Adopting and releasing are strategic merge patches on ownerReferences (merged by uid) carrying
 * the child's uid, so they neither clobber other owners nor reach a new object of the same name.
 */
public final class ControllerRefs {

    private ControllerRefs() {
    }

    public static OwnerReference controllerRef(HasMetadata owner) {
        return new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
                .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build();
    }

    /**
     * The children {@code owner} controls after adopting and releasing.
     *
     * @param canAdopt a fresh read of the owner: true if it still exists with the same uid and is
     *                 not being deleted; asked at most once
     */
    public static <T extends HasMetadata> List<T> claim(KubernetesClient client, HasMetadata owner, LabelSelector selector,
                                                        List<T> candidates, Class<T> type, BooleanSupplier canAdopt) {
        String uid = owner.getMetadata().getUid();
        boolean ownerDeleting = owner.getMetadata().getDeletionTimestamp() != null;
        List<T> claimed = new ArrayList<>();
        Boolean adoptable = null;
        for (T child : candidates) {
            var ref = Pods.controllerOf(child);
            boolean matches = Selectors.matches(selector, child.getMetadata().getLabels());
            if (ref.isPresent()) {
                if (!uid.equals(ref.get().getUid())) {
                    continue;
                }
                if (matches || ownerDeleting) {
                    claimed.add(child);
                    continue;
                }
                release(client, owner, child, type);
                continue;
            }
            if (ownerDeleting || !matches || child.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            if (adoptable == null) {
                adoptable = canAdopt.getAsBoolean();
            }
            if (!adoptable) {
                continue;
            }
            if (adopt(client, owner, child, type)) {
                claimed.add(child);
            }
        }
        return claimed;
    }

    private static <T extends HasMetadata> boolean adopt(KubernetesClient client, HasMetadata owner, T child, Class<T> type) {
        OwnerReference ref = controllerRef(owner);
        String patch = "{\"metadata\":{\"ownerReferences\":[{\"apiVersion\":\"" + ref.getApiVersion() + "\",\"kind\":\""
                + ref.getKind() + "\",\"name\":\"" + ref.getName() + "\",\"uid\":\"" + ref.getUid()
                + "\",\"controller\":true,\"blockOwnerDeletion\":true}],\"uid\":\"" + child.getMetadata().getUid() + "\"}}";
        try {
            client.resources(type).inNamespace(child.getMetadata().getNamespace()).withName(child.getMetadata().getName())
                    .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404 || e.getCode() == 422 || e.getCode() == 409) {
                return false; // gone, replaced, or adopted by another meanwhile; the next sync sees it
            }
            throw e;
        }
    }

    private static <T extends HasMetadata> void release(KubernetesClient client, HasMetadata owner, T child, Class<T> type) {
        String patch = "{\"metadata\":{\"ownerReferences\":[{\"$patch\":\"delete\",\"uid\":\"" + owner.getMetadata().getUid()
                + "\"}],\"uid\":\"" + child.getMetadata().getUid() + "\"}}";
        try {
            client.resources(type).inNamespace(child.getMetadata().getNamespace()).withName(child.getMetadata().getName())
                    .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 422) {
                throw e;
            }
        }
    }
}
