package io.outpost.apiserver.admission;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.http.UserInfo;
import tools.jackson.databind.node.ObjectNode;

/**
 * One request as the admission plugins see it (kube's {@code admission.Attributes}).
 *
 * @param operation   what the request does
 * @param type        the resource (its group, version, kind and plural)
 * @param subresource {@code status}, {@code scale}, {@code binding}..., or {@code ""}
 * @param namespace   the request's namespace, {@code ""} for a cluster-scoped resource
 * @param name        the object's name; {@code ""} on a create with only {@code generateName}
 * @param object      the new object (null on DELETE and CONNECT); a mutating plugin may change it
 * @param oldObject   the stored object (null on CREATE)
 * @param user        who asks
 * @param dryRun      whether nothing will be stored
 * @param options     the operation's options ({@code CreateOptions}, {@code UpdateOptions},
 *                    {@code DeleteOptions}...), or null
 */
public record AdmissionAttributes(Operation operation, ResourceType type, String subresource, String namespace,
                                  String name, ObjectNode object, ObjectNode oldObject, UserInfo user, boolean dryRun,
                                  ObjectNode options) {

    public AdmissionAttributes {
        subresource = subresource == null ? "" : subresource;
        namespace = namespace == null ? "" : namespace;
        name = name == null ? "" : name;
    }

    /** The kind's API group, {@code ""} for the core group. */
    public String group() {
        return type.kind().group();
    }

    /** The resource's plural name. */
    public String resource() {
        return type.plural();
    }
}
