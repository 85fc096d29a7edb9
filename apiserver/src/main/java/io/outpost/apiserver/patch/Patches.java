package io.outpost.apiserver.patch;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The patch engine's one entry point: a live object and a PATCH body in, the patched object out,
 * for the three patch types that are pure functions of the two (server-side apply needs the field
 * manager and is not here).
 *
 * <pre>{@code
 * PatchType type = PatchType.ofContentType(request.header("Content-Type"), true);
 * JsonNode patched = Patches.apply(type, live, body, BuiltinPatchStrategies.forKind("apps", "Deployment"));
 * }</pre>
 *
 * <p>The caller then decodes the result into the kind (unknown fields, fieldValidation), runs
 * admission and validation, and stores it with the live object's resourceVersion as the
 * precondition, re-reading and re-applying on a conflict as kube's {@code GuaranteedUpdate} does.
 * A failure is a {@link PatchException} that carries kube-apiserver's code, reason and message.
 *
 * <p>Pure and stateless: the live tree is never modified; safe from any thread.
 */
public final class Patches {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Patches() {
    }

    /**
     * The live object with the patch applied.
     *
     * @param strategies the kind's strategic merge patch table; read only for
     *                   {@link PatchType#STRATEGIC_MERGE_PATCH}
     * @throws PatchException if the body is no patch of that type or does not apply
     * @throws IllegalArgumentException for {@link PatchType#APPLY_PATCH_YAML}, which the field
     *                                  manager applies
     */
    public static JsonNode apply(PatchType type, JsonNode live, byte[] body, PatchStrategies strategies) {
        if (type == PatchType.APPLY_PATCH_YAML) {
            throw new IllegalArgumentException("server-side apply is applied by the field manager, not as a patch");
        }
        JsonNode patch = parse(body);
        return switch (type) {
            case JSON_PATCH -> JsonPatches.apply(live, patch);
            case MERGE_PATCH -> MergePatches.apply(live, patch);
            case STRATEGIC_MERGE_PATCH -> StrategicMergePatch.apply(live, patch, strategies);
            case APPLY_PATCH_YAML -> throw new AssertionError("refused above");
        };
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw PatchException.badRequest("the request body is empty: a patch is required");
        }
        try {
            JsonNode patch = JSON.readTree(body);
            if (patch == null || patch.isMissingNode()) {
                throw PatchException.badRequest("the request body is empty: a patch is required");
            }
            return patch;
        } catch (JacksonException e) {
            throw PatchException.badRequest("error decoding patch: " + e.getOriginalMessage());
        }
    }
}
