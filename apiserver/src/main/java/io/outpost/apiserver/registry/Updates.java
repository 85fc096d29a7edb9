package io.outpost.apiserver.registry;

import java.util.ArrayList;
import java.util.List;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.admission.Operation;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.storage.ObjectStore;
import io.outpost.apiserver.storage.Preconditions;
import io.outpost.apiserver.storage.PreconditionFailed;
import io.outpost.apiserver.storage.Versioned;
import io.outpost.apiserver.validation.FieldError;
import io.outpost.apiserver.validation.Validation;
import io.outpost.store.StoreException;
import tools.jackson.databind.node.ObjectNode;

/**
 * PUT on an object and on its {@code status}: kube-apiserver's {@code updateHandler} with
 * {@code rest.BeforeUpdate}.
 *
 * <ul>
 *   <li>A body with {@code metadata.resourceVersion} is a compare-and-set on it: another version
 *       is 409 Conflict. Without one the update is unconditional (every built-in kind allows it).</li>
 *   <li>A missing object is 404, unless the kind allows create on update (events, leases, RBAC...),
 *       which then creates it and answers 201.</li>
 *   <li>uid, creationTimestamp, deletion fields and generation are the server's; generation goes
 *       up by one when anything outside metadata and status changes.</li>
 *   <li>For kinds with a status subresource a PUT keeps the stored status, and PUT /status
 *       replaces only the status.</li>
 *   <li>An update that removes the last finalizer of an object being deleted deletes it.</li>
 * </ul>
 *
 * Thread model: as {@link Registry}; the update functions may run more than once.
 */
final class Updates {

    private final ObjectStore store;
    private final Creates creates;
    private final NamespaceLifecycle namespaces;
    private final Bodies bodies;
    private final Validation validation;
    private final FieldTracking tracking;
    private final Admission admission;

    Updates(ObjectStore store, Creates creates, NamespaceLifecycle namespaces, Bodies bodies, Validation validation,
            FieldTracking tracking, Admission admission) {
        this.tracking = tracking;
        this.store = store;
        this.creates = creates;
        this.namespaces = namespaces;
        this.bodies = bodies;
        this.validation = validation;
        this.admission = admission;
    }

    Admission admission() {
        return admission;
    }

    /**
     * Decode and default the body, then, inside the update function against the current object:
     * mutating admission, the kind's validation, validating admission.
     */
    ApiResponse update(ApiRequest request, Target target) {
        ResourceType type = target.type();
        KindRules rules = new KindRules(type);
        WriteOptions options = WriteOptions.of(request, "UpdateOptions");
        String manager = FieldTracking.manager(request, "UpdateOptions");
        Bodies.Body decoded = bodies.read(request, type, options.fieldValidation());
        ObjectNode body = checked(decoded.object(), target);
        validation.applyDefaults(type, body);
        String expectedRv = ObjectMeta.meta(body).path("resourceVersion").asString("");
        boolean[] created = {false};
        List<String> warnings = new ArrayList<>();
        Versioned result = write(target, rules.allowCreateOnUpdate(), options.dryRun(), current -> {
            warnings.clear();
            warnings.addAll(decoded.warnings());
            if (current == null) {
                Creates.checkName(type, target.name());
                if (type.namespaced()) {
                    namespaces.checkCreate(type, target.namespace(), target.name());
                }
                created[0] = true;
                ObjectNode fresh = body.deepCopy();
                admission.mutate(Operation.CREATE, request, target, target.name(), fresh, null, options.dryRun(),
                        "CreateOptions", warnings);
                fresh = tracking.update(target, null, null, fresh, manager);
                creates.prepare(fresh, type);
                ApiException.throwIfInvalid(type, target.name(), validation.validateCreate(type, fresh));
                admission.validate(Operation.CREATE, request, target, target.name(), fresh, null, options.dryRun(),
                        "CreateOptions", warnings);
                return fresh;
            }
            created[0] = false;
            checkResourceVersion(type, target.name(), expectedRv, current);
            ObjectNode copy = body.deepCopy();
            admission.mutate(Operation.UPDATE, request, target, target.name(), copy, current.object(), options.dryRun(),
                    "UpdateOptions", warnings);
            if (rules.hasStatus()) {
                copyField(current.object(), copy, "status");
            }
            keepSystemFields(type, current.object(), copy);
            ObjectNode updated = tracking.update(target, null, current.object(), copy, manager);
            ApiException.throwIfInvalid(type, target.name(), validation.validateUpdate(type, updated, current.object()));
            admission.validate(Operation.UPDATE, request, target, target.name(), updated, current.object(), options.dryRun(),
                    "UpdateOptions", warnings);
            return updated;
        });
        Versioned answer = options.dryRun() ? result : finishDeletion(target, result);
        return Responses.withWarnings(Responses.object(created[0] ? 201 : 200, answer.object(), type), warnings);
    }

    ApiResponse updateStatus(ApiRequest request, Target target) {
        WriteOptions options = WriteOptions.of(request, "UpdateOptions");
        String manager = FieldTracking.manager(request, "UpdateOptions");
        Bodies.Body decoded = bodies.read(request, target.type(), options.fieldValidation());
        ObjectNode body = checked(decoded.object(), target);
        String expectedRv = ObjectMeta.meta(body).path("resourceVersion").asString("");
        List<String> warnings = new ArrayList<>();
        Versioned result = write(target, false, options.dryRun(), current -> {
            warnings.clear();
            warnings.addAll(decoded.warnings());
            checkResourceVersion(target.type(), target.name(), expectedRv, current);
            ObjectNode old = current.object();
            ObjectNode copy = current.object().deepCopy();
            copyField(body, copy, "status");
            admission.mutate(Operation.UPDATE, request, target, target.name(), copy, old, options.dryRun(),
                    "UpdateOptions", warnings);
            ObjectNode updated = tracking.update(target, target.subresource(), old, copy, manager);
            ApiException.throwIfInvalid(target.type(), target.name(), validation.validateStatusUpdate(target.type(), updated));
            admission.validate(Operation.UPDATE, request, target, target.name(), updated, old, options.dryRun(),
                    "UpdateOptions", warnings);
            return updated;
        });
        return Responses.withWarnings(Responses.object(200, result.object(), target.type()), warnings);
    }

    /**
     * PUT {@code namespaces/{name}/finalize} (kube's {@code FinalizeREST}): replaces only
     * {@code spec.finalizers}; a Terminating namespace left with none is removed (what the namespace
     * controller does last). Each finalizer is {@code kubernetes} or a qualified name with a '/'.
     */
    ApiResponse updateFinalize(ApiRequest request, Target target) {
        WriteOptions options = WriteOptions.of(request, "UpdateOptions");
        String manager = FieldTracking.manager(request, "UpdateOptions");
        Bodies.Body decoded = bodies.read(request, target.type(), options.fieldValidation());
        ObjectNode body = checked(decoded.object(), target);
        String expectedRv = ObjectMeta.meta(body).path("resourceVersion").asString("");
        List<FieldError> errors = new ArrayList<>();
        var finalizers = body.path("spec").path("finalizers");
        for (int i = 0; i < finalizers.size(); i++) {
            String f = finalizers.get(i).asString("");
            if (!f.equals("kubernetes") && !f.contains("/")) {
                errors.add(FieldError.invalid("spec.finalizers[" + i + "]", f,
                        "name is neither a standard finalizer name nor is it fully qualified"));
            }
        }
        ApiException.throwIfInvalid(target.type(), target.name(), errors);
        Versioned result = write(target, false, options.dryRun(), current -> {
            checkResourceVersion(target.type(), target.name(), expectedRv, current);
            ObjectNode old = current.object();
            ObjectNode copy = old.deepCopy();
            if (finalizers.isArray()) {
                copy.withObjectProperty("spec").set("finalizers", finalizers.deepCopy());
            } else {
                copy.withObjectProperty("spec").remove("finalizers");
            }
            return tracking.update(target, "finalize", old, copy, manager);
        });
        Versioned answer = options.dryRun() ? result : finishDeletion(target, result);
        return Responses.withWarnings(Responses.object(200, answer.object(), target.type()), decoded.warnings());
    }

    /** A guaranteed update of the target, with storage failures in the target's words. */
    Versioned write(Target target, boolean createIfMissing, ObjectStore.TryUpdate tryUpdate) {
        return write(target, createIfMissing, false, tryUpdate);
    }

    /**
     * As {@link #write(Target, boolean, ObjectStore.TryUpdate)}; a dry run computes the update
     * against the current object and stores nothing: the answer keeps the current resourceVersion
     * (none if it would have been created), as kube's dry-run storage answers.
     */
    Versioned write(Target target, boolean createIfMissing, boolean dryRun, ObjectStore.TryUpdate tryUpdate) {
        if (dryRun) {
            Versioned current = store.get(target.key()).orElse(null);
            if (current == null && !createIfMissing) {
                throw ApiException.notFound(target.type(), target.name());
            }
            ObjectNode updated = ObjectMeta.withTypeMeta(tryUpdate.apply(current), target.type());
            if (current == null) {
                ObjectMeta.meta(updated).remove("resourceVersion");
            } else {
                ObjectMeta.meta(updated).put("resourceVersion", Long.toString(current.revision()));
            }
            return new Versioned(target.key(), updated, current == null ? 0 : current.revision());
        }
        try {
            return store.guaranteedUpdate(target.key(), createIfMissing, Preconditions.NONE,
                    current -> ObjectMeta.withTypeMeta(ObjectMeta.dropEmpty(tryUpdate.apply(current)), target.type()));
        } catch (StoreException | PreconditionFailed e) {
            throw StoreErrors.toApi(e, target.type(), target.name());
        }
    }

    private static ObjectNode checked(ObjectNode body, Target target) {
        Creates.checkNamespace(body, target);
        String name = ObjectMeta.meta(body).path("name").asString("");
        if (!name.equals(target.name())) {
            throw ApiException.badRequest("the name of the object (" + name + ") does not match the name on the URL (" + target.name() + ")");
        }
        return body;
    }

    private static void checkResourceVersion(ResourceType type, String name, String expected, Versioned current) {
        if (!expected.isEmpty() && !expected.equals(Long.toString(current.revision()))) {
            throw ApiException.modified(type, name);
        }
    }

    /**
     * The update half of a patch: the patched object is defaulted (kube decodes it into the typed
     * object, which defaults) and validated against the current one; 422 when invalid.
     */
    /** What a write to the status subresource must pass. */
    void validateStatus(ResourceType type, ObjectNode updated) {
        ApiException.throwIfInvalid(type, ObjectMeta.name(updated), validation.validateStatusUpdate(type, updated));
    }

    void defaultAndValidate(ResourceType type, ObjectNode updated, ObjectNode current) {
        validation.applyDefaults(type, updated);
        ApiException.throwIfInvalid(type, ObjectMeta.name(updated), validation.validateUpdate(type, updated, current));
    }

    /** What a client may not change through an update; a different uid is a failed precondition. */
    static void keepSystemFields(ResourceType type, ObjectNode current, ObjectNode updated) {
        ObjectNode was = ObjectMeta.meta(current);
        ObjectNode now = ObjectMeta.meta(updated);
        String uid = now.path("uid").asString("");
        if (!uid.isEmpty() && !uid.equals(was.path("uid").asString(""))) {
            throw new PreconditionFailed("Precondition failed: UID in precondition: " + uid + ", UID in object meta: " + was.path("uid").asString(""));
        }
        for (String field : new String[] {"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"}) {
            copyField(current.path("metadata") instanceof ObjectNode m ? m : current.objectNode(), now, field);
        }
        now.remove("selfLink");
        if (!type.namespaced()) {
            now.remove("namespace");
        }
        long generation = was.path("generation").asLong(1);
        if (!ObjectMeta.specPart(current).equals(ObjectMeta.specPart(updated))) {
            generation++;
        }
        now.put("generation", generation);
    }

    static void copyField(ObjectNode from, ObjectNode to, String field) {
        if (from.has(field)) {
            to.set(field, from.get(field).deepCopy());
        } else {
            to.remove(field);
        }
    }

    /**
     * kube's {@code deletionFinalizersForGarbageCollection}/{@code shouldDeleteDuringUpdate}: an
     * object being deleted, with no finalizers left and no grace period pending, is removed.
     */
    Versioned finishDeletion(Target target, Versioned result) {
        ObjectNode object = result.object();
        if (!ObjectMeta.deleting(object) || ObjectMeta.hasFinalizers(object)
                || object.path("metadata").path("deletionGracePeriodSeconds").asLong(0) > 0) {
            return result;
        }
        // kube's ShouldDeleteNamespaceDuringUpdate: a namespace also waits for its spec.finalizers.
        if (new KindRules(target.type()).isCore("namespaces") && !object.path("spec").path("finalizers").isEmpty()) {
            return result;
        }
        try {
            return store.delete(target.key(), new Preconditions(null, Long.toString(result.revision())), o -> null).object();
        } catch (StoreException | PreconditionFailed e) {
            return result; // someone wrote after us; their write decides
        }
    }
}
