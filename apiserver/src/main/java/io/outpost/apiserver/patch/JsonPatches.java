package io.outpost.apiserver.patch;

import java.util.EnumSet;

import io.fabric8.zjsonpatch.CompatibilityFlags;
import io.fabric8.zjsonpatch.JsonPatch;
import tools.jackson.databind.JsonNode;

/**
 * RFC 6902 JSON Patch ({@code application/json-patch+json}) as kube-apiserver applies it, on
 * fabric8's zjsonpatch (Jackson 3). Pure and stateless: the live tree is never modified, a new
 * tree is returned; safe from any thread.
 *
 * <p>kube's answers (its {@code patch.go} with evanphx/json-patch): a body that is not an array of
 * operation objects is 400; more than {@value #MAX_OPERATIONS} operations is 413; any operation
 * that fails (an unknown op, a missing {@code path} or {@code value}, a path that does not exist,
 * a {@code test} that does not match) is 422 "the server rejected our request due to an error in
 * our request". The operations run in order and all-or-nothing: the first failure discards the
 * work of the earlier ones, so a {@code test} works as a precondition (kubectl's managedFields
 * migration tests nothing but replaces {@code /metadata/resourceVersion}, which the update then
 * checks as an optimistic-concurrency precondition).
 *
 * <p>Known differences from kube, all on inputs kubectl never sends: a negative array index
 * ({@code /l/-1}) is refused where evanphx counts it from the end; {@code test} compares numbers
 * by their JSON form, so {@code 1.0} does not equal {@code 1}.
 */
final class JsonPatches {

    /** kube-apiserver's {@code maxJSONPatchOperations}. */
    static final int MAX_OPERATIONS = 10_000;

    /** RFC 6902 §4.2: removing a location that does not exist is an error (zjsonpatch allows it by default). */
    private static final EnumSet<CompatibilityFlags> FLAGS = EnumSet.of(CompatibilityFlags.FORBID_REMOVE_MISSING_OBJECT);

    private JsonPatches() {
    }

    static JsonNode apply(JsonNode live, JsonNode patch) {
        if (!patch.isArray()) {
            throw PatchException.badRequest("json: cannot unmarshal " + goKind(patch) + " into Go value of type jsonpatch.Patch");
        }
        for (JsonNode op : patch) {
            if (!op.isObject()) {
                throw PatchException.badRequest("json: cannot unmarshal " + goKind(op) + " into Go value of type jsonpatch.Operation");
            }
        }
        if (patch.size() > MAX_OPERATIONS) {
            throw PatchException.tooLarge("The allowed maximum operations in a JSON patch is " + MAX_OPERATIONS + ", got " + patch.size());
        }
        try {
            return JsonPatch.apply(patch, live, FLAGS);
        } catch (RuntimeException e) {
            // JsonPatchException, and IllegalStateException for an index used on an object or
            // the reverse: either way the patch does not fit this document.
            throw PatchException.unprocessable(e.getMessage());
        }
    }

    /** The word Go's encoding/json uses for a JSON value's type in its unmarshal errors. */
    static String goKind(JsonNode node) {
        if (node.isObject()) {
            return "object";
        }
        if (node.isArray()) {
            return "array";
        }
        if (node.isString()) {
            return "string";
        }
        if (node.isNumber()) {
            return "number";
        }
        if (node.isBoolean()) {
            return "bool";
        }
        return "null";
    }
}
