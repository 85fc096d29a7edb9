package io.outpost.apiserver.catalog;

import java.util.Objects;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.table.TableConvertor;
import io.outpost.apiserver.validation.KindStrategy;
import tools.jackson.databind.JsonNode;

/**
 * One served version of a custom resource: what the generic machinery needs beyond its
 * {@link ResourceType} to serve it as kube's apiextensions-apiserver serves it.
 *
 * @param type          names, scope, verbs and subresources of this version
 * @param crdName       the CustomResourceDefinition it comes from ({@code widgets.example.com})
 * @param schema        the version's {@code openAPIV3Schema} (for OpenAPI), or null if none
 * @param strategy      pruning, defaulting and validation of its objects
 * @param table         its Table columns ({@code additionalPrinterColumns})
 * @param scale         the scale subresource's paths, or null if it has no scale subresource
 */
public record CustomKind(ResourceType type, String crdName, JsonNode schema, KindStrategy strategy,
                         TableConvertor table, ScalePaths scale) {

    public CustomKind {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(crdName, "crdName");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(table, "table");
    }

    /**
     * {@code subresources.scale} of a CRD version: JSON paths ({@code .spec.replicas}) of the
     * desired and observed replicas and of the label selector (null if not given).
     */
    public record ScalePaths(String specReplicasPath, String statusReplicasPath, String labelSelectorPath) {
    }
}
