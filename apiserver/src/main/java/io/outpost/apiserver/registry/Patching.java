package io.outpost.apiserver.registry;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.outpost.api.KindClasses;
import io.outpost.api.ResourceType;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.Statuses;
import io.outpost.apiserver.patch.BuiltinPatchStrategies;
import io.outpost.apiserver.patch.PatchException;
import io.outpost.apiserver.patch.PatchType;
import io.outpost.apiserver.patch.Patches;
import io.outpost.apiserver.storage.Versioned;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * PATCH on an object: kube-apiserver's {@code patchHandler}. The patch (JSON, merge or strategic
 * merge, by Content-Type) is applied to the stored object inside a guaranteed update, so a
 * concurrent write makes it re-apply to the newer object rather than fail. A
 * {@code metadata.resourceVersion} that the patch sets is a precondition (kubectl's managedFields
 * migration relies on it). The rest is an update's: system fields kept, generation bumped on a
 * spec change, the stored status kept for kinds with a status subresource.
 *
 * <p>Server-side apply ({@code application/apply-patch+yaml}) is issue 4's: it answers 415.
 *
 * <p>Thread model: as {@link Registry}; the patch function may run more than once.
 */
final class Patching {

    private final Updates updates;
    private final Bodies bodies;

    Patching(Updates updates, Bodies bodies) {
        this.updates = updates;
        this.bodies = bodies;
    }

    ApiResponse patch(ApiRequest request, Target target) {
        ResourceType type = target.type();
        KindRules rules = new KindRules(type);
        PatchType patchType;
        try {
            // Strategic merge needs Go struct tags: kube refuses it (415) for custom resources, which have none.
            patchType = PatchType.ofContentType(request.header("content-type").orElse(""), KindClasses.of(type.kind()).isPresent());
        } catch (PatchException e) {
            throw new ApiException(e.code(), e.reason(), e.getMessage(), Statuses.Details.NONE);
        }
        if (patchType == PatchType.APPLY_PATCH_YAML) {
            throw new ApiException(415, "UnsupportedMediaType",
                    "server-side apply (application/apply-patch+yaml) is not served yet; use a client-side kubectl apply", Statuses.Details.NONE);
        }
        WriteOptions options = WriteOptions.of(request, "PatchOptions");
        var strategies = BuiltinPatchStrategies.forKind(type.kind().group(), type.kind().kind());
        AtomicReference<List<String>> warnings = new AtomicReference<>(List.of());
        Versioned result = updates.write(target, false, options.dryRun(), current -> {
            JsonNode patched;
            try {
                patched = Patches.apply(patchType, current.object(), request.body(), strategies);
            } catch (PatchException e) {
                throw new ApiException(e.code(), e.reason(), e.getMessage(), Statuses.Details.NONE);
            }
            if (!(patched instanceof ObjectNode updated)) {
                throw ApiException.badRequest("the patched object is not a JSON object");
            }
            Responses.checkTypeMeta(updated, type);
            warnings.set(bodies.checkFields(updated, type, options.fieldValidation()).warnings());
            String name = ObjectMeta.meta(updated).path("name").asString("");
            if (!name.equals(target.name())) {
                throw ApiException.badRequest("the name of the object (" + name + ") does not match the name on the URL ("
                        + target.name() + ")");
            }
            String rv = ObjectMeta.meta(updated).path("resourceVersion").asString("");
            if (!rv.isEmpty() && !rv.equals(Long.toString(current.revision()))) {
                throw ApiException.modified(type, target.name());
            }
            if (rules.hasStatus()) {
                if (current.object().has("status")) {
                    updated.set("status", current.object().get("status").deepCopy());
                } else {
                    updated.remove("status");
                }
            }
            Updates.keepSystemFields(type, current.object(), updated);
            updates.defaultAndValidate(type, updated, current.object());
            return updated;
        });
        Versioned answer = options.dryRun() ? result : updates.finishDeletion(target, result);
        return Responses.withWarnings(Responses.object(200, answer.object(), type), warnings.get());
    }
}
