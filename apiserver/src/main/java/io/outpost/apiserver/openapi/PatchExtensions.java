package io.outpost.apiserver.openapi;

import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.outpost.apiserver.patch.BuiltinPatchStrategies;
import io.outpost.apiserver.patch.PatchStrategies;

/**
 * Where the schemas carry {@code x-kubernetes-patch-strategy} and {@code x-kubernetes-patch-merge-key}:
 * the strategic merge patch table of {@link BuiltinPatchStrategies}, which is keyed by field path
 * from a kind's root, turned into (model class, property) pairs by walking the paths through the
 * fabric8 classes. kube's tags sit on Go struct fields, so a type shared by several kinds
 * ({@code PodSpec}) gets the same extensions from every path that reaches it.
 *
 * <p>Built once, then read-only.
 */
final class PatchExtensions {

    /** A property of a model class. */
    private record Property(Class<?> owner, String name) {
    }

    private final Map<Property, PatchStrategies.Field> fields = new HashMap<>();

    /** Adds the table of one kind, rooted at its class. Paths that the class does not have are skipped. */
    void addKind(String group, String kind, Class<?> root) {
        BuiltinPatchStrategies.forKind(group, kind).fields().forEach((path, field) -> {
            Class<?> owner = root;
            String[] segments = path.split("\\.");
            for (int i = 0; i < segments.length && owner != null; i++) {
                Type type = ModelProperties.of(owner).get(segments[i]);
                if (type == null) {
                    return;
                }
                if (i == segments.length - 1) {
                    fields.putIfAbsent(new Property(owner, segments[i]), field);
                } else {
                    owner = ModelProperties.elementClass(type);
                }
            }
        });
    }

    /** The strategy of one property, if the table has one worth publishing (not plain atomic). */
    Optional<PatchStrategies.Field> of(Class<?> owner, String property) {
        PatchStrategies.Field field = fields.get(new Property(owner, property));
        return field == null || (!field.merge() && !field.retainKeys()) ? Optional.empty() : Optional.of(field);
    }

    /** kube's {@code x-kubernetes-patch-strategy} value: {@code merge}, {@code retainKeys} or {@code merge,retainKeys}. */
    static String strategy(PatchStrategies.Field field) {
        if (field.merge() && field.retainKeys()) {
            return "merge,retainKeys";
        }
        return field.merge() ? "merge" : "retainKeys";
    }
}
