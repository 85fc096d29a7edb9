package io.outpost.api;

import java.util.List;

/**
 * A subresource such as {@code status}, {@code scale} or {@code binding}.
 *
 * @param name         the path segment after the object's name
 * @param responseKind what it answers with ({@code autoscaling/v1 Scale} for scale; the parent's kind for status)
 * @param verbs        the verbs it serves, as discovery lists them
 */
public record Subresource(String name, GroupVersionKind responseKind, List<String> verbs) {

    public Subresource {
        verbs = List.copyOf(verbs);
    }
}
