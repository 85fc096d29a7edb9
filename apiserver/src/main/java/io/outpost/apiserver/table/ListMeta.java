package io.outpost.apiserver.table;

import java.util.Objects;
import java.util.OptionalLong;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A list's {@code metadata}, which a Table repeats: the resourceVersion the list was read at, the
 * {@code continue} token of a paged list ("" when it is the last page) and, with a token, how
 * many items remain if known.
 */
public record ListMeta(String resourceVersion, String continueToken, OptionalLong remainingItemCount) {

    public ListMeta {
        Objects.requireNonNull(resourceVersion, "resourceVersion");
        Objects.requireNonNull(continueToken, "continueToken");
        Objects.requireNonNull(remainingItemCount, "remainingItemCount");
    }

    public static ListMeta of(String resourceVersion) {
        return new ListMeta(resourceVersion, "", OptionalLong.empty());
    }

    /** As kube writes it: every field omitted when empty, so possibly {@code {}}. */
    ObjectNode toJson() {
        ObjectNode meta = JsonNodeFactory.instance.objectNode();
        if (!resourceVersion.isEmpty()) {
            meta.put("resourceVersion", resourceVersion);
        }
        if (!continueToken.isEmpty()) {
            meta.put("continue", continueToken);
        }
        remainingItemCount.ifPresent(n -> meta.put("remainingItemCount", n));
        return meta;
    }
}
