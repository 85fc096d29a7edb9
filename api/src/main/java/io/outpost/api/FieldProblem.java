package io.outpost.api;

import java.util.Objects;

/**
 * A field of a request body that {@code fieldValidation} is about: unknown to the kind's schema,
 * or given twice. Under {@code Strict} these fail the request (400), under {@code Warn} they
 * become {@code Warning} headers, under {@code Ignore} they are dropped silently; the message
 * is kube-apiserver's wording in every case.
 *
 * @param kind what is wrong
 * @param path the field path, as kube-apiserver writes it: {@code spec.template.spec.containers[0].foo}
 */
public record FieldProblem(Kind kind, String path) {

    public enum Kind {
        /** Not a field of the kind: dropped from the decoded object. */
        UNKNOWN,
        /** Given more than once in one object: the last value wins, as in Go's decoder. */
        DUPLICATE
    }

    public FieldProblem {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
    }

    /** {@code unknown field "spec.foo"} or {@code duplicate field "metadata.name"}. */
    public String message() {
        return (kind == Kind.UNKNOWN ? "unknown field \"" : "duplicate field \"") + path + "\"";
    }
}
