package io.outpost.api;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A decoded body and the field problems found on the way (empty for a clean body). The value
 * never holds an unknown field: they are dropped, as kube-apiserver drops them.
 */
public record Decoded<T>(T value, List<FieldProblem> problems) {

    public Decoded {
        Objects.requireNonNull(value, "value");
        problems = List.copyOf(problems);
    }

    /**
     * kube-apiserver's message for a body refused under {@code fieldValidation=Strict}:
     * {@code strict decoding error: unknown field "spec.foo", duplicate field "metadata.name"}.
     */
    public String strictError() {
        return "strict decoding error: " + problems.stream().map(FieldProblem::message).collect(Collectors.joining(", "));
    }
}
