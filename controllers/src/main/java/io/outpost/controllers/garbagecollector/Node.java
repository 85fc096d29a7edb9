package io.outpost.controllers.garbagecollector;

import java.util.List;

import io.fabric8.kubernetes.api.model.OwnerReference;

/**
 * One object in the {@link OwnerGraph}: who it is and what its metadata says about ownership and
 * deletion (kube's GC {@code node}), as last seen by an informer.
 *
 * @param ref        its identity (the resource it is of, namespace, name, uid)
 * @param owners     its metadata.ownerReferences
 * @param beingDeleted whether it has a deletionTimestamp
 * @param finalizers its metadata.finalizers
 */
record Node(ObjectRef ref, List<OwnerReference> owners, boolean beingDeleted, List<String> finalizers) {

    static final String FOREGROUND = "foregroundDeletion";
    static final String ORPHAN = "orphan";

    Node {
        owners = List.copyOf(owners);
        finalizers = List.copyOf(finalizers);
    }

    /** Deleted in the foreground: it waits for its blocking dependents to go first. */
    boolean deletingDependents() {
        return beingDeleted && finalizers.contains(FOREGROUND);
    }

    /** Deleted with orphan propagation: its dependents lose their reference to it first. */
    boolean orphaning() {
        return beingDeleted && finalizers.contains(ORPHAN);
    }

    boolean ownedBy(String uid) {
        return owners.stream().anyMatch(o -> uid.equals(o.getUid()));
    }

    /** Whether its reference to {@code ownerUid} blocks the owner's foreground deletion. */
    boolean blocks(String ownerUid) {
        return owners.stream().anyMatch(o -> ownerUid.equals(o.getUid()) && Boolean.TRUE.equals(o.getBlockOwnerDeletion()));
    }
}
