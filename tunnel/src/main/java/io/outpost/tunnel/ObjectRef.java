package io.outpost.tunnel;

import java.util.Objects;

/**
 * One object of a node's projection: its kind, namespace ({@code ""} for the Node) and name.
 * Ordered by kind, namespace, name, so that a digest is sorted and compresses well.
 */
public record ObjectRef(ObjectKind kind, String namespace, String name) implements Comparable<ObjectRef> {

    public ObjectRef {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        if (kind.namespaced() == namespace.isEmpty()) {
            throw new IllegalArgumentException(kind + (kind.namespaced() ? " needs" : " has no") + " namespace: " + namespace);
        }
    }

    public static ObjectRef node(String name) {
        return new ObjectRef(ObjectKind.NODE, "", name);
    }

    @Override
    public int compareTo(ObjectRef o) {
        int c = Integer.compare(kind.code(), o.kind.code());
        if (c == 0) {
            c = namespace.compareTo(o.namespace);
        }
        return c != 0 ? c : name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return kind + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
    }
}
