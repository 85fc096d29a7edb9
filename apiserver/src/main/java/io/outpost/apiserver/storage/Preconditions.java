package io.outpost.apiserver.storage;

import tools.jackson.databind.node.ObjectNode;

/**
 * A caller's expectation about the object it writes: {@code metav1.Preconditions}, which
 * DeleteOptions and updates carry. A null part is not checked.
 *
 * @param uid             the object must have this uid
 * @param resourceVersion the object must be at this resourceVersion
 */
public record Preconditions(String uid, String resourceVersion) {

    public static final Preconditions NONE = new Preconditions(null, null);

    /**
     * The reason the object fails these preconditions, in kube-apiserver's words
     * ({@code Precondition failed: UID in precondition: a, UID in object meta: b}), or null.
     */
    public String violation(ObjectNode current) {
        var meta = current.path("metadata");
        if (uid != null && !uid.equals(meta.path("uid").asString(""))) {
            return "Precondition failed: UID in precondition: " + uid + ", UID in object meta: " + meta.path("uid").asString("");
        }
        if (resourceVersion != null && !resourceVersion.equals(meta.path("resourceVersion").asString(""))) {
            return "Precondition failed: ResourceVersion in precondition: " + resourceVersion
                    + ", ResourceVersion in object meta: " + meta.path("resourceVersion").asString("");
        }
        return null;
    }
}
