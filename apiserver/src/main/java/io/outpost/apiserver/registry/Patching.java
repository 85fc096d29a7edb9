package io.outpost.apiserver.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.outpost.api.KindClasses;
import io.outpost.api.ResourceType;
import io.outpost.apiserver.admission.Operation;
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
 * spec change, the stored status kept for kinds with a status subresource, and admission
 * (mutating, then validating after the kind's validation) inside the update function.
 *
 * <p>Server-side apply ({@code application/apply-patch+yaml}) is {@link Applies}'; {@code force}
 * is refused on any other patch (kube's {@code ValidatePatchOptions}). Every patch records its
 * manager's fields ({@link FieldTracking}); {@code dryRun=All} stores nothing.
 *
 * <p>Thread model: as {@link Registry}; the patch function may run more than once.
 */
final class Patching {

    private final Updates updates;
    private final Bodies bodies;
    private final Applies applies;
    private final FieldTracking tracking;
    private final Admission admission;

    Patching(Updates updates, Bodies bodies, Applies applies, FieldTracking tracking, Admission admission) {
        this.updates = updates;
        this.bodies = bodies;
        this.applies = applies;
        this.tracking = tracking;
        this.admission = admission;
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
        WriteOptions options = WriteOptions.of(request, "PatchOptions");
        if (patchType == PatchType.APPLY_PATCH_YAML) {
            return applies.apply(request, target, options);
        }
        if (request.param("force").isPresent()) {
            throw WriteOptions.invalid("PatchOptions", "force", "FieldValueForbidden", "Forbidden: may not be specified for non-apply patch");
        }
        String manager = FieldTracking.manager(request, "PatchOptions");
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
            List<String> attempt = new ArrayList<>(bodies.checkFields(updated, type, options.fieldValidation()).warnings());
            warnings.set(attempt);
            String name = ObjectMeta.meta(updated).path("name").asString("");
            if (!name.equals(target.name())) {
                throw ApiException.badRequest("the name of the object (" + name + ") does not match the name on the URL ("
                        + target.name() + ")");
            }
            String rv = ObjectMeta.meta(updated).path("resourceVersion").asString("");
            if (!rv.isEmpty() && !rv.equals(Long.toString(current.revision()))) {
                throw ApiException.modified(type, target.name());
            }
            if (target.subresource() != null) {
                // PATCH on status: kube's status strategy keeps everything but the status
                ObjectNode stored = current.object().deepCopy();
                Updates.copyField(updated, stored, "status");
                admission.mutate(Operation.UPDATE, request, target, target.name(), stored, current.object(), options.dryRun(),
                        "PatchOptions", attempt);
                updates.validateStatus(type, stored);
                admission.validate(Operation.UPDATE, request, target, target.name(), stored, current.object(), options.dryRun(),
                        "PatchOptions", attempt);
                return tracking.update(target, target.subresource(), current.object(), stored, manager);
            }
            if (rules.hasStatus()) {
                if (current.object().has("status")) {
                    updated.set("status", current.object().get("status").deepCopy());
                } else {
                    updated.remove("status");
                }
            }
            Updates.keepSystemFields(type, current.object(), updated);
            admission.mutate(Operation.UPDATE, request, target, target.name(), updated, current.object(), options.dryRun(),
                    "PatchOptions", attempt);
            updates.defaultAndValidate(type, updated, current.object());
            admission.validate(Operation.UPDATE, request, target, target.name(), updated, current.object(), options.dryRun(),
                    "PatchOptions", attempt);
            return tracking.update(target, null, current.object(), updated, manager);
        });
        Versioned answer = options.dryRun() ? result : updates.finishDeletion(target, result);
        return Responses.withWarnings(Responses.object(200, answer.object(), type), warnings.get());
    }
}
