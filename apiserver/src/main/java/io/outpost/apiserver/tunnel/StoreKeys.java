package io.outpost.apiserver.tunnel;

import java.util.Optional;

import io.outpost.tunnel.ObjectKind;
import io.outpost.tunnel.ObjectRef;

/**
 * Store keys of the objects a projection holds ({@code /registry/core/<plural>/...}, as
 * {@link io.outpost.api.ResourceType#key} makes them), both ways.
 */
final class StoreKeys {

    /** Every key a projection can hold starts with this: the downstream watch's prefix. */
    static final String CORE = "/registry/core/";
    static final String PODS = CORE + "pods/";

    private StoreKeys() {
    }

    static String key(ObjectRef ref) {
        return CORE + plural(ref.kind()) + "/" + (ref.kind().namespaced() ? ref.namespace() + "/" : "") + ref.name();
    }

    /** The ref of a key, if it is one of a kind a projection holds. */
    static Optional<ObjectRef> ref(String key) {
        if (!key.startsWith(CORE)) {
            return Optional.empty();
        }
        String[] parts = key.substring(CORE.length()).split("/");
        ObjectKind kind = switch (parts[0]) {
            case "pods" -> ObjectKind.POD;
            case "configmaps" -> ObjectKind.CONFIG_MAP;
            case "secrets" -> ObjectKind.SECRET;
            case "nodes" -> ObjectKind.NODE;
            default -> null;
        };
        if (kind == null || parts.length != (kind.namespaced() ? 3 : 2)) {
            return Optional.empty();
        }
        return Optional.of(kind.namespaced() ? new ObjectRef(kind, parts[1], parts[2]) : ObjectRef.node(parts[1]));
    }

    private static String plural(ObjectKind kind) {
        return switch (kind) {
            case NODE -> "nodes";
            case POD -> "pods";
            case CONFIG_MAP -> "configmaps";
            case SECRET -> "secrets";
        };
    }
}
