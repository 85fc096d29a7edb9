package io.outpost.apiserver.apply;

/**
 * What server-side apply needs to know of a kind's schema: for each list whether it is atomic, a
 * set or a map (and its keys), and for each object whether it is granular (each field owned on its
 * own, the default) or atomic ({@code x-kubernetes-map-type: atomic}, a LabelSelector).
 *
 * <p>A path is the field names from the object's root joined by dots, list elements adding
 * nothing ({@code spec.template.spec.containers.ports}), as in
 * {@link io.outpost.apiserver.patch.PatchStrategies}. Built-in kinds get theirs from
 * {@link BuiltinApplySchemas}; custom resources supply theirs from the CRD's structural schema
 * ({@code x-kubernetes-list-type}, {@code x-kubernetes-list-map-keys},
 * {@code x-kubernetes-map-type}). Implementations are immutable and safe from any thread.
 */
public interface ApplySchema {

    /** Every list atomic, every object granular: what kube assumes where a schema says nothing. */
    ApplySchema NONE = new ApplySchema() {
        @Override
        public ListType list(String path) {
            return ListType.ATOMIC;
        }

        @Override
        public boolean atomicObject(String path) {
            return false;
        }
    };

    /** How the list at {@code path} merges and is owned. */
    ListType list(String path);

    /** Whether the object at {@code path} is replaced and owned whole. */
    boolean atomicObject(String path);

    /**
     * The objects that exist, empty, in the kind's zero value (Go's non-pointer structs:
     * {@code spec}, {@code status}, a pod template), outermost first. kube compares an update
     * against typed objects, in which they always exist, so adding a field inside one does not
     * record the object itself as added. None for custom resources, whose objects are untyped.
     */
    default java.util.List<String> zeroObjects() {
        return java.util.List.of();
    }
}
