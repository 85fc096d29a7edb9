package io.outpost.apiserver.patch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How strategic merge patch treats the fields of one kind: kube's {@code patchStrategy} and
 * {@code patchMergeKey} struct tags (published in OpenAPI as {@code x-kubernetes-patch-strategy}
 * and {@code x-kubernetes-patch-merge-key}), keyed by field path.
 *
 * <p>A path is the object's field names from its root joined by dots; list elements add nothing,
 * so {@code spec.template.spec.containers.env} is the env list of every container of a
 * Deployment's pod template. A field not listed is merged if it is an object (a map or a struct)
 * and replaced whole if it is a list (kube's default for lists without a strategy: atomic).
 *
 * <p>Immutable; built once per kind by {@link BuiltinPatchStrategies} and shared by every request.
 */
public final class PatchStrategies {

    /** No strategy for any field: objects merge, lists are replaced (a merge patch with directives). */
    public static final PatchStrategies NONE = new PatchStrategies(Map.of());

    /**
     * One field's strategy.
     *
     * @param merge      a list that is merged rather than replaced: by {@code mergeKey} for a list
     *                   of objects, as a set for a list of scalars ({@code finalizers})
     * @param mergeKey   the field identifying an element of a merged list of objects, or null
     * @param retainKeys clients send {@code $retainKeys} for this object (or for each element of
     *                   this list) so that a field dropped from the configuration is cleared: kube
     *                   uses it where only one of several fields may be set (a volume's source, a
     *                   deployment's strategy). The server obeys {@code $retainKeys} wherever it
     *                   appears; the flag documents where kubectl sends it.
     */
    public record Field(boolean merge, String mergeKey, boolean retainKeys) {

        /** A list of objects merged element by element, matched on {@code key}. */
        public static Field mergeByKey(String key) {
            return new Field(true, key, false);
        }

        /** A list of objects merged on {@code key}, whose elements carry {@code $retainKeys}. */
        public static Field mergeByKeyRetainingKeys(String key) {
            return new Field(true, key, true);
        }

        /** A list of scalars merged as a set (additions appended, duplicates dropped). */
        public static Field mergeScalars() {
            return new Field(true, null, false);
        }

        /** An object whose patches carry {@code $retainKeys}. */
        public static Field retainingKeys() {
            return new Field(false, null, true);
        }

        /** A list replaced whole: the default, listed where it is worth saying (tolerations, taints). */
        public static Field atomic() {
            return new Field(false, null, false);
        }
    }

    private final Map<String, Field> fields;

    private PatchStrategies(Map<String, Field> fields) {
        this.fields = Map.copyOf(fields);
    }

    /** The strategy of the field at {@code path}, if the kind declares one. */
    public Optional<Field> field(String path) {
        return Optional.ofNullable(fields.get(path));
    }

    /** Every declared path with its strategy. */
    public Map<String, Field> fields() {
        return fields;
    }

    static Builder builder() {
        return new Builder();
    }

    /** Collects paths; a path declared twice is a mistake in the table and is refused. */
    static final class Builder {
        private final Map<String, Field> fields = new LinkedHashMap<>();

        Builder put(String path, Field field) {
            if (fields.putIfAbsent(path, field) != null) {
                throw new IllegalArgumentException("patch strategy declared twice for " + path);
            }
            return this;
        }

        PatchStrategies build() {
            return new PatchStrategies(fields);
        }
    }
}
