package io.outpost.apiserver.conversion;

import java.util.List;
import java.util.Optional;

import io.outpost.apiserver.validation.FieldError;
import tools.jackson.databind.node.ObjectNode;

/**
 * How a resource served in one schema is kept in another resource's storage, as kube-apiserver
 * keeps cohabiting resources ({@code StorageFactory.AddCohabitatingResources}: events.k8s.io
 * Events live at core Events' {@code /registry/events/NS/NAME}, one object seen in two schemas).
 * The view's requests are served by the storage resource's verbs with their objects converted on
 * the way in and out, so both resources see the same objects, resourceVersions and watches.
 *
 * <p>Conversions work on whole objects and on partial ones (a server-side apply configuration): a
 * field that is absent stays absent. Implementations are stateless and thread-safe.
 */
public interface StorageConversion {

    /** The object in the view's schema as the storage resource stores it (kind and apiVersion included). */
    ObjectNode toStorage(ObjectNode view);

    /** A stored object in the view's schema (kind and apiVersion included). */
    ObjectNode fromStorage(ObjectNode stored);

    /**
     * The storage resource's field label for a field selector label of the view (kube's
     * {@code AddFieldLabelConversionFunc}); empty if the view has no such label.
     */
    Optional<String> storageFieldLabel(String viewLabel);

    /** What a create through the view must pass beyond the storage kind's own validation, on the stored form. */
    List<FieldError> validateCreate(ObjectNode stored);

    /** What an update through the view must pass beyond the storage kind's own validation, on the stored forms. */
    List<FieldError> validateUpdate(ObjectNode stored, ObjectNode oldStored);

    /**
     * A stored object as this version stores it, if an older version stored it otherwise (kept
     * readable by a migration at start); empty if it needs no change.
     */
    default Optional<ObjectNode> upgradeStored(ObjectNode stored) {
        return Optional.empty();
    }
}
