package io.outpost.apiserver.validation;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Pods: the spec as {@link PodSpecValidation} checks it; on update, kube's
 * {@code ValidatePodUpdate}: the spec may change only in container images,
 * {@code activeDeadlineSeconds}, added tolerations, and a negative grace period set to 1.
 */
final class PodValidation implements KindStrategy {

    /** kube's wording, so clients that match on it keep working (kube also appends a diff). */
    static final String UPDATE_FORBIDDEN = "pod updates may not change fields other than `spec.containers[*].image`,"
            + "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),"
            + "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

    @Override
    public void applyDefaults(ObjectNode object) {
        PodDefaults.apply(object);
    }

    @Override
    public List<FieldError> validate(ObjectNode object) {
        return PodSpecValidation.validate(object.path("spec"), "spec.");
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>(validate(object));
        JsonNode spec = object.path("spec");
        if (!allowedChangesOnly(old.path("spec"), spec)) {
            errs.add(FieldError.forbidden("spec", UPDATE_FORBIDDEN));
        }
        return errs;
    }

    /** kube's approach: copy the mutable fields from the new spec onto the old one, then compare. */
    static boolean allowedChangesOnly(JsonNode oldSpec, JsonNode newSpec) {
        if (!(oldSpec instanceof ObjectNode old) || !(newSpec instanceof ObjectNode now)) {
            return oldSpec.equals(newSpec);
        }
        ObjectNode munged = old.deepCopy();
        for (String list : new String[] {"containers", "initContainers"}) {
            if (munged.path(list) instanceof ArrayNode was && now.path(list) instanceof ArrayNode is && was.size() == is.size()) {
                for (int i = 0; i < was.size(); i++) {
                    if (was.get(i) instanceof ObjectNode c && is.get(i).has("image")) {
                        c.set("image", is.get(i).get("image"));
                    }
                }
            }
        }
        copy(now, munged, "activeDeadlineSeconds");
        if (containsAll(now.path("tolerations"), old.path("tolerations"))) {
            copy(now, munged, "tolerations");
        }
        if (old.path("terminationGracePeriodSeconds").asLong(0) < 0 && now.path("terminationGracePeriodSeconds").asLong(0) == 1) {
            munged.put("terminationGracePeriodSeconds", 1);
        }
        return munged.equals(now);
    }

    private static boolean containsAll(JsonNode now, JsonNode was) {
        for (JsonNode t : was) {
            boolean found = false;
            for (JsonNode n : now) {
                found |= n.equals(t);
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    private static void copy(ObjectNode from, ObjectNode to, String field) {
        if (from.has(field)) {
            to.set(field, from.get(field).deepCopy());
        } else {
            to.remove(field);
        }
    }
}
