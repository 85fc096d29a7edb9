package io.outpost.apiserver.table;

import java.util.Optional;

/**
 * What each Table row carries as its {@code object}: the {@code includeObject} query parameter.
 * kubectl leaves it unset (Metadata, which feeds {@code --show-labels} and {@code -L}) and sends
 * Object with {@code --sort-by}.
 */
public enum IncludeObject {
    /** No object: the row's {@code object} is null. */
    NONE("None"),
    /** A {@code PartialObjectMetadata} with the object's metadata; the default. */
    METADATA("Metadata"),
    /** The whole object, with its {@code kind} and {@code apiVersion}. */
    OBJECT("Object");

    private final String value;

    IncludeObject(String value) {
        this.value = value;
    }

    /**
     * The parameter's value; absent or empty means Metadata. An unknown value is empty: the
     * caller answers 400 {@code unrecognized includeObject value: "x"}, as kube-apiserver does.
     */
    public static Optional<IncludeObject> parse(String value) {
        if (value == null || value.isEmpty()) {
            return Optional.of(METADATA);
        }
        for (IncludeObject i : values()) {
            if (i.value.equals(value)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }
}
