package io.outpost.apiserver.crd.schema;

import java.util.ArrayList;
import java.util.List;

import io.outpost.apiserver.validation.FieldError;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The schema side of one CustomResourceDefinition version: what the CRD registry asks of an
 * {@code openAPIV3Schema} (is it acceptable?) and what serving that version's custom objects needs
 * (prune, default, validate), with kube-apiserver's field paths and messages.
 *
 * <p>How the CRD registry uses it, in kube's order:
 * <ol>
 *   <li>On a CRD create/update: {@link #check(JsonNode, String)} on each version's schema, with the
 *       path {@code spec.versions[i].schema.openAPIV3Schema}; any error makes the CRD a 422, stored
 *       nowhere. Then {@link #compile} (cheap to keep per version).</li>
 *   <li>On a custom object write (create/update/patch/status): {@link #prepareRequest} (prune unknown
 *       fields, drop nulls the schema forbids, default), answer the returned paths as warnings or, with
 *       fieldValidation=Strict, as a 422 ({@link #unknownField}); then {@link #validate} or
 *       {@link #validateUpdate} (value validations, list sets and maps, embedded resources,
 *       {@code x-kubernetes-validations}); the root's metadata is the registry's own check.</li>
 *   <li>On a read from storage: {@link #prepareStored} (prune what the schema no longer has, default),
 *       never written back.</li>
 * </ol>
 *
 * <p>Thread model: immutable; one instance per served CRD version, shared by all requests.
 */
public final class CustomSchema {

    private final Schema schema;
    private final Rules rules;

    private CustomSchema(Schema schema, Rules rules) {
        this.schema = schema;
        this.rules = rules;
    }

    /**
     * Every reason kube would reject this openAPIV3Schema, with field paths under {@code path}
     * ({@code spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not
     * be empty for specified object fields}); empty when it is acceptable. Includes defaults that do
     * not validate and CEL rules that do not compile.
     */
    public static List<FieldError> check(JsonNode openAPIV3Schema, String path) {
        return StructuralCheck.check(openAPIV3Schema, path).errors();
    }

    /**
     * The schema ready to serve.
     *
     * @throws IllegalArgumentException if {@link #check} finds errors (the message lists them)
     */
    public static CustomSchema compile(JsonNode openAPIV3Schema) {
        StructuralCheck.Result r = StructuralCheck.check(openAPIV3Schema, "openAPIV3Schema");
        if (!r.errors().isEmpty()) {
            throw new IllegalArgumentException("not a valid structural schema: "
                    + String.join("; ", r.errors().stream().map(FieldError::message).toList()));
        }
        return new CustomSchema(r.schema(), r.rules());
    }

    /**
     * A request body before validation: unknown fields pruned, nulls the schema does not allow (and
     * gives no default) dropped, defaults applied. Returns the pruned paths ({@code spec.foo}).
     */
    public List<String> prepareRequest(ObjectNode object) {
        List<String> unknown = Pruner.pruneResource(object, schema);
        Defaulter.pruneNulls(object, schema);
        Defaulter.apply(object, schema);
        return unknown;
    }

    /** An object read from storage: pruned to the current schema and defaulted (not written back). */
    public void prepareStored(ObjectNode object) {
        Pruner.pruneResource(object, schema);
        Defaulter.apply(object, schema);
    }

    /** Removes the fields the schema does not specify; returns their paths. */
    public List<String> prune(ObjectNode object) {
        return Pruner.pruneResource(object, schema);
    }

    /** Applies the schema's defaults in place. */
    public void applyDefaults(ObjectNode object) {
        Defaulter.apply(object, schema);
    }

    /** The errors of a new object; empty when valid. */
    public List<FieldError> validate(ObjectNode object) {
        return validateUpdate(object, null);
    }

    /** The errors of an object: a create when {@code old} is null, else an update ({@link #validateUpdate}). */
    public List<FieldError> validate(ObjectNode object, ObjectNode old) {
        return validateUpdate(object, old);
    }

    /**
     * The errors of an updated object; {@code old} (null on create) feeds transition rules, and on an
     * update values unchanged from {@code old} are not validated again (kube's validation
     * ratcheting). The CEL rules run as well, as in kube, except on values of the wrong type.
     */
    public List<FieldError> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>(ValueValidator.validate(schema, object, old, ""));
        errs.addAll(rules.validate(schema, object, old));
        return errs;
    }

    /** kube's warning and strict-validation text for a pruned path. */
    public static String unknownField(String path) {
        return "unknown field \"" + path + "\"";
    }
}
