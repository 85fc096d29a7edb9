package io.outpost.apiserver.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.admission.Operation;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.storage.ObjectStore;
import io.outpost.apiserver.storage.Versioned;
import io.outpost.apiserver.validation.FieldError;
import io.outpost.apiserver.validation.Validation;
import io.outpost.store.StoreException;
import tools.jackson.databind.node.ObjectNode;

/**
 * POST on a collection: kube-apiserver's {@code createHandler} with {@code rest.BeforeCreate}.
 * The server sets uid, creationTimestamp, generation 1 and the resourceVersion; the URL's
 * namespace fills or must equal the body's; {@code generateName} gets five random characters,
 * retried on a collision. Thread model: as {@link Registry}.
 */
final class Creates {

    /** kube's {@code utilrand.String} alphabet: no vowels (no words), no look-alikes. */
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final int GENERATE_ATTEMPTS = 8;

    private final ObjectStore store;
    private final RegistryConfig config;
    private final NamespaceLifecycle namespaces;
    private final Bodies bodies;
    private final Validation validation;
    private final FieldTracking tracking;
    private final Admission admission;

    Creates(ObjectStore store, RegistryConfig config, NamespaceLifecycle namespaces, Bodies bodies, Validation validation,
            FieldTracking tracking, Admission admission) {
        this.tracking = tracking;
        this.store = store;
        this.config = config;
        this.namespaces = namespaces;
        this.bodies = bodies;
        this.validation = validation;
        this.admission = admission;
    }

    /**
     * kube's order: decode (fieldValidation) and default, fill the system fields and the
     * generated name, validate, then store; with {@code dryRun=All} everything but the store
     * write happens, and the answer has no resourceVersion. Mutating admission follows
     * defaulting; validating admission follows the kind's validation, before the store write.
     */
    ApiResponse create(ApiRequest request, Target target) {
        ResourceType type = target.type();
        WriteOptions options = WriteOptions.of(request, "CreateOptions");
        String manager = FieldTracking.manager(request, "CreateOptions");
        Bodies.Body body = bodies.read(request, type, options.fieldValidation());
        ObjectNode object = body.object();
        checkNamespace(object, target);
        validation.applyDefaults(type, object);
        List<String> warnings = new ArrayList<>(body.warnings());
        admission.mutate(Operation.CREATE, request, target, ObjectMeta.name(object), object, null, options.dryRun(),
                "CreateOptions", warnings);
        ObjectNode meta = ObjectMeta.meta(object);
        String name = meta.path("name").asString("");
        String generateName = meta.path("generateName").asString("");
        if (name.isEmpty() && generateName.isEmpty()) {
            ApiException.throwIfInvalid(type, "", List.of(FieldError.required("metadata.name", "name or generateName is required")));
        }
        if (!meta.path("resourceVersion").asString("").isEmpty()) {
            throw ApiException.internal("resourceVersion should not be set on objects to be created");
        }
        if (type.namespaced()) {
            namespaces.checkCreate(type, target.namespace(), name.isEmpty() ? generateName : name);
        }
        for (int attempt = 0; ; attempt++) {
            String chosen = name.isEmpty() ? generateName + randomSuffix() : name;
            ObjectNode named = object.deepCopy();
            ObjectMeta.meta(named).put("name", chosen);
            // kube records the creator's fields before PrepareForCreate: what the server sets is nobody's
            ObjectNode candidate = tracking.update(target, null, null, named, manager);
            prepare(candidate, type);
            ApiException.throwIfInvalid(type, chosen, validation.validateCreate(type, candidate));
            String key = type.key(target.namespace(), checkName(type, chosen));
            List<String> admitted = new ArrayList<>(warnings);
            // As kube, the request's name stays the one asked for ("" with generateName); the object has the generated one.
            admission.validate(Operation.CREATE, request, target, name, candidate, null, options.dryRun(),
                    "CreateOptions", admitted);
            if (options.dryRun()) {
                if (store.get(key).isEmpty()) {
                    return Responses.withWarnings(Responses.object(201, candidate, type), admitted);
                }
                if (!name.isEmpty() || attempt + 1 >= GENERATE_ATTEMPTS) {
                    throw ApiException.alreadyExists(type, chosen);
                }
                continue;
            }
            try {
                Versioned created = store.create(key, ObjectMeta.withTypeMeta(candidate, type));
                return Responses.withWarnings(Responses.object(201, created.object(), type), admitted);
            } catch (StoreException.AlreadyExists e) {
                if (!name.isEmpty() || attempt + 1 >= GENERATE_ATTEMPTS) {
                    throw ApiException.alreadyExists(type, chosen);
                }
            }
        }
    }

    /** Sets the server-owned metadata and status of a new object (name and namespace already set). */
    void prepare(ObjectNode object, ResourceType type) {
        ObjectMeta.dropEmpty(object);
        ObjectNode meta = ObjectMeta.meta(object);
        meta.put("uid", uuid().toString());
        meta.put("creationTimestamp", ObjectMeta.timestamp(config.clock().instant()));
        meta.put("generation", 1);
        meta.remove("resourceVersion");
        meta.remove("deletionTimestamp");
        meta.remove("deletionGracePeriodSeconds");
        meta.remove("selfLink");
        if (!type.namespaced()) {
            meta.remove("namespace");
        }
        KindRules rules = new KindRules(type);
        rules.prepareStatusForCreate(object);
        validation.prepareForCreate(type, object);
        if (rules.isCore("namespaces") && !object.path("spec").has("finalizers")) {
            object.withObjectProperty("spec").putArray("finalizers").add("kubernetes");
        }
    }

    /**
     * Fills the body's namespace from the URL, or rejects a different one, as kube's
     * {@code rest.BeforeCreate} does; a cluster-scoped object has none.
     */
    static void checkNamespace(ObjectNode object, Target target) {
        ObjectNode meta = ObjectMeta.meta(object);
        if (!target.type().namespaced()) {
            meta.remove("namespace");
            return;
        }
        if (target.namespace() == null) {
            throw ApiException.badRequest("the namespace of the object must be given in the URL: POST and PUT need .../namespaces/<ns>/"
                    + target.type().plural());
        }
        String inBody = meta.path("namespace").asString("");
        if (inBody.isEmpty()) {
            meta.put("namespace", target.namespace());
        } else if (!inBody.equals(target.namespace())) {
            throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
    }

    /** A name must be a path segment (kube's {@code IsValidPathSegmentName}); per-kind DNS rules come with validation. */
    static String checkName(ResourceType type, String name) {
        if (name.equals(".") || name.equals("..") || name.contains("/") || name.contains("%") || name.length() > 253) {
            throw ApiException.invalid(type, name, "metadata.name",
                    "Invalid value: \"" + name + "\": may not be '.' or '..', contain '/' or '%', or be longer than 253 characters");
        }
        return name;
    }

    /** A version 4 (random) UUID from the injected random, so tests are repeatable. */
    private UUID uuid() {
        long msb = (config.random().nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (config.random().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    private String randomSuffix() {
        StringBuilder s = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            s.append(ALPHABET.charAt(config.random().nextInt(ALPHABET.length())));
        }
        return s.toString();
    }
}
