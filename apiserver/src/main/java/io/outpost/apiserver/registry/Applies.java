package io.outpost.apiserver.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.admission.Operation;
import io.outpost.apiserver.apply.ApplyError;
import io.outpost.apiserver.apply.FieldManager;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.storage.Versioned;
import io.outpost.apiserver.validation.Validation;
import tools.jackson.databind.node.ObjectNode;

/**
 * PATCH with {@code application/apply-patch+yaml}: kube-apiserver's {@code applyPatcher}. The
 * configuration (YAML or JSON) is applied by the {@link FieldManager} inside a guaranteed update;
 * a missing object is created from it (201), in a namespace that must exist and not be
 * terminating. Then what any write does: defaults, system fields, the stored status kept for
 * kinds with a status subresource, admission and validation. {@code fieldManager} is required, {@code force}
 * takes conflicting fields, {@code dryRun=All} stores nothing, and a resourceVersion in the
 * configuration is a precondition. An apply to {@code status} changes the status alone, of an
 * object that must exist.
 *
 * <p>Thread model: as {@link Registry}; the update function may run more than once.
 */
final class Applies {

    /** Go's {@code strconv.ParseBool} true values, as kube reads {@code ?force=}. */
    private static final Set<String> TRUE = Set.of("1", "t", "true");

    private final Updates updates;
    private final Creates creates;
    private final NamespaceLifecycle namespaces;
    private final Bodies bodies;
    private final Validation validation;
    private final FieldTracking tracking;
    private final Admission admission;

    Applies(Updates updates, Creates creates, NamespaceLifecycle namespaces, Bodies bodies, Validation validation,
            FieldTracking tracking, Admission admission) {
        this.admission = admission;
        this.updates = updates;
        this.creates = creates;
        this.namespaces = namespaces;
        this.bodies = bodies;
        this.validation = validation;
        this.tracking = tracking;
    }

    ApiResponse apply(ApiRequest request, Target target, WriteOptions options) {
        ResourceType type = target.type();
        KindRules rules = new KindRules(type);
        String manager = request.param("fieldManager").orElse("");
        if (manager.isEmpty()) {
            // kubectl defaults it to "kubectl"; controllers must set it (kube's ValidatePatchOptions)
            throw WriteOptions.invalid("PatchOptions", "fieldManager", "FieldValueRequired", "Required value: is required for apply patch");
        }
        FieldTracking.check(manager, "PatchOptions");
        boolean force = request.param("force").map(v -> TRUE.contains(v.toLowerCase(Locale.ROOT))).orElse(false);
        FieldManager.Scope scope = tracking.scope(target, target.subresource());
        boolean status = "status".equals(target.subresource());
        Bodies.Body body = bodies.readApply(request.body(), type, options.fieldValidation(), config -> {
            try {
                FieldManager.checkConfiguration(scope, config);
            } catch (ApplyError e) {
                throw ApiException.badRequest(e.getMessage());
            }
        });
        ObjectNode config = body.object();
        boolean[] created = {false};
        List<String> warnings = new ArrayList<>();
        Versioned result = updates.write(target, !status, options.dryRun(), current -> {
            warnings.clear();
            warnings.addAll(body.warnings());
            ObjectNode applied = tracking.apply(target, current == null ? null : current.object(), config, manager, force);
            String name = ObjectMeta.meta(applied).path("name").asString("");
            if (!name.equals(target.name())) {
                throw ApiException.badRequest("the name of the object (" + name + ") does not match the name on the URL (" + target.name() + ")");
            }
            Creates.checkNamespace(applied, target);
            if (status) {
                // kube's status strategy: an apply to status changes the status alone (and who owns it)
                ObjectNode stored = current.object().deepCopy();
                Updates.copyField(applied, stored, "status");
                if (ObjectMeta.meta(applied).has("managedFields")) {
                    ObjectMeta.meta(stored).set("managedFields", ObjectMeta.meta(applied).get("managedFields"));
                } else {
                    ObjectMeta.meta(stored).remove("managedFields");
                }
                admission.mutate(Operation.UPDATE, request, target, target.name(), stored, current.object(), options.dryRun(),
                        "PatchOptions", warnings);
                ApiException.throwIfInvalid(type, target.name(), validation.validateStatusUpdate(type, stored));
                admission.validate(Operation.UPDATE, request, target, target.name(), stored, current.object(), options.dryRun(),
                        "PatchOptions", warnings);
                return stored;
            }
            validation.applyDefaults(type, applied);
            created[0] = current == null;
            if (current == null) {
                Creates.checkName(type, target.name());
                if (type.namespaced()) {
                    namespaces.checkCreate(type, target.namespace(), target.name());
                }
                admission.mutate(Operation.CREATE, request, target, target.name(), applied, null, options.dryRun(),
                        "PatchOptions", warnings);
                creates.prepare(applied, type);
                ApiException.throwIfInvalid(type, target.name(), validation.validateCreate(type, applied));
                admission.validate(Operation.CREATE, request, target, target.name(), applied, null, options.dryRun(),
                        "PatchOptions", warnings);
                return applied;
            }
            String rv = ObjectMeta.meta(applied).path("resourceVersion").asString("");
            if (!rv.isEmpty() && !rv.equals(Long.toString(current.revision()))) {
                throw ApiException.modified(type, target.name());
            }
            if (rules.hasStatus()) {
                if (current.object().has("status")) {
                    applied.set("status", current.object().get("status").deepCopy());
                } else {
                    applied.remove("status");
                }
            }
            Updates.keepSystemFields(type, current.object(), applied);
            admission.mutate(Operation.UPDATE, request, target, target.name(), applied, current.object(), options.dryRun(),
                    "PatchOptions", warnings);
            ApiException.throwIfInvalid(type, target.name(), validation.validateUpdate(type, applied, current.object()));
            admission.validate(Operation.UPDATE, request, target, target.name(), applied, current.object(), options.dryRun(),
                    "PatchOptions", warnings);
            return applied;
        });
        Versioned answer = options.dryRun() ? result : updates.finishDeletion(target, result);
        return Responses.withWarnings(Responses.object(created[0] ? 201 : 200, answer.object(), type), warnings);
    }
}
