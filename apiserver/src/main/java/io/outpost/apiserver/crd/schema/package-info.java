/**
 * The schema side of CustomResourceDefinitions, as kube's apiextensions-apiserver does it
 * ({@code pkg/apis/apiextensions/validation} and {@code pkg/apiserver/schema}): whether a version's
 * {@code openAPIV3Schema} is structural and acceptable ({@code StructuralCheck}, {@code SchemaKeywords}),
 * pruning of unknown fields ({@code Pruner}), defaulting ({@code Defaulter}), validation of custom
 * objects with kube's messages and validation ratcheting on updates ({@code ValueValidator},
 * {@code Formats}, {@code EmbeddedResources}) and {@code x-kubernetes-validations} CEL rules
 * ({@code Rules}, {@code CelTypes}, {@code FieldPaths}) on the libraries of
 * {@code io.outpost.apiserver.cel}, with {@code self} typed from the schema.
 *
 * <p>Entry point: {@link io.outpost.apiserver.crd.schema.CustomSchema}. Free of registry types: it
 * takes and returns Jackson trees and {@link io.outpost.apiserver.validation.FieldError}s.
 *
 * <p>Not yet as kube: static CEL cost estimation (a runtime bound instead, see {@code Rules});
 * object and list values in messages print as JSON, where kube prints Go's
 * {@code map[string]interface {}{...}}; kube's warnings for unknown formats.
 *
 * <p>Patterns are compiled with RE2J, Google's Java port of RE2, because kube compiles them with Go's
 * regexp (RE2): no backreferences or lookaround (a CRD using them is rejected, as kube rejects it),
 * linear-time matching, and Go's error texts ({@code error parsing regexp: missing closing ): ...}).
 * java.util.regex would accept patterns kube refuses and can backtrack exponentially on request data.
 */
package io.outpost.apiserver.crd.schema;
