package io.outpost.apiserver.registry;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.storage.ObjectStore;
import io.outpost.apiserver.storage.PreconditionFailed;
import io.outpost.apiserver.storage.Preconditions;
import io.outpost.apiserver.storage.Versioned;
import io.outpost.apiserver.validation.Strategies;
import io.outpost.apiserver.validation.Validation;
import io.outpost.store.StoreException;
import tools.jackson.databind.node.ObjectNode;

/**
 * Namespaces as kube-apiserver's NamespaceLifecycle admission plugin and namespace controller
 * treat them.
 *
 * <ul>
 *   <li>{@code default}, {@code kube-system}, {@code kube-public} and {@code kube-node-lease}
 *       exist: {@link #ensureSystemNamespaces} creates any that is missing, at start.</li>
 *   <li>Creating in a missing namespace is 404 {@code namespaces "x" not found}; in one being
 *       deleted, 403 Forbidden {@code unable to create new content in namespace x because it is
 *       being terminated}. (Like kube, a create racing the namespace's deletion can slip in; the
 *       finalizer's next pass removes it.)</li>
 *   <li>Deleting a namespace sets its deletionTimestamp and {@code status.phase: Terminating} and
 *       answers it. With a namespace controller ({@link RegistryConfig#namespaceController}), as in
 *       kube, that is all: the controller empties it and removes the {@code kubernetes} finalizer
 *       through {@code namespaces/{name}/finalize}, whose update removes the namespace once it has
 *       no finalizers left ({@code Updates#finishDeletion}); deleting it again meanwhile is 409, and a
 *       namespace without finalizers goes at once. Without one, the in-process finalizer runs on
 *       {@link RegistryConfig#finalizers}: it deletes every
 *       object of every namespaced resource in it at once (no grace period, finalizers not
 *       waited for: a simplification of the namespace controller), repeating while objects
 *       remain, then removes the namespace. {@code default}, {@code kube-system} and
 *       {@code kube-public} cannot be deleted (403).</li>
 * </ul>
 *
 * <p>Thread model: request threads call {@link #checkCreate} and {@link #delete}; the finalizer
 * runs on the executor's thread. Both are idempotent: a finalizer interrupted by a restart is
 * rerun by deleting the namespace again.
 */
final class NamespaceLifecycle {

    static final List<String> SYSTEM = List.of("default", "kube-system", "kube-public", "kube-node-lease");
    private static final Set<String> UNDELETABLE = Set.of("default", "kube-system", "kube-public");
    private static final int FINALIZE_PASSES = 10;

    private final ObjectStore store;
    private final RegistryConfig config;
    private final ResourceType namespaces;
    private final Supplier<List<ResourceType>> types;
    private final Strategies strategies;

    /** {@code types}: the resources served at the moment (custom ones come and go). */
    NamespaceLifecycle(ObjectStore store, RegistryConfig config, Supplier<List<ResourceType>> types, Strategies strategies) {
        this.store = store;
        this.config = config;
        this.types = types;
        this.strategies = strategies;
        this.namespaces = config.types().stream().filter(t -> new KindRules(t).isCore("namespaces")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the registry's types must include core/v1 namespaces"));
    }

    void ensureSystemNamespaces() {
        for (String name : SYSTEM) {
            if (store.get(namespaces.key(null, name)).isPresent()) {
                continue;
            }
            ObjectNode ns = Responses.JSON.createObjectNode();
            ns.put("kind", "Namespace").put("apiVersion", "v1");
            ns.putObject("metadata").put("name", name);
            new Creates(store, config, this, new Bodies(strategies), new Validation(strategies),
                    new FieldTracking(config.clock(), t -> io.outpost.apiserver.apply.ApplySchema.NONE),
                    new Admission(io.outpost.apiserver.admission.AdmissionChain.EMPTY)).prepare(ns, namespaces);
            try {
                store.create(namespaces.key(null, name), ObjectMeta.withTypeMeta(ns, namespaces));
            } catch (StoreException.AlreadyExists e) {
                // another server created it first
            }
        }
    }

    /** Whether {@code type} objects may be created in {@code namespace}. */
    void checkCreate(ResourceType type, String namespace, String name) {
        Versioned ns = store.get(namespaces.key(null, namespace)).orElseThrow(() -> ApiException.notFound(namespaces, namespace));
        if (terminating(ns.object())) {
            throw ApiException.namespaceTerminating(type, name, namespace);
        }
    }

    static boolean terminating(ObjectNode namespace) {
        return ObjectMeta.deleting(namespace) || namespace.path("status").path("phase").asString("").equals("Terminating");
    }

    /** Marks the namespace Terminating and starts its finalizer; answers the namespace as it now is. */
    Versioned delete(Target target, Preconditions preconditions) {
        return delete(target, preconditions, false);
    }

    /** As {@link #delete(Target, Preconditions)}; a dry run answers the Terminating namespace and changes nothing. */
    Versioned delete(Target target, Preconditions preconditions, boolean dryRun) {
        String name = target.name();
        if (UNDELETABLE.contains(name)) {
            throw ApiException.forbidden(namespaces, name, "this namespace may not be deleted");
        }
        boolean controller = config.namespaceController();
        UnaryOperator<ObjectNode> terminating = current -> {
            boolean specFinalizers = !current.path("spec").path("finalizers").isEmpty();
            if (controller && ObjectMeta.deleting(current) && specFinalizers) {
                // kube's namespace REST Delete, on a namespace already Terminating.
                throw ApiException.conflict(namespaces, name, "The system is ensuring all content is removed from this namespace."
                        + "  Upon completion, this namespace will automatically be purged by the system.");
            }
            if (controller && !specFinalizers && !ObjectMeta.hasFinalizers(current)) {
                return null; // nothing to wait for: kube removes it at once
            }
            ObjectNode meta = ObjectMeta.meta(current);
            if (!meta.hasNonNull("deletionTimestamp")) {
                meta.put("deletionTimestamp", ObjectMeta.timestamp(config.clock().instant()));
                meta.put("deletionGracePeriodSeconds", 0);
            }
            current.withObjectProperty("status").put("phase", "Terminating");
            return current;
        };
        ObjectStore.Deletion marked;
        try {
            String key = namespaces.key(null, name);
            marked = dryRun ? store.previewDelete(key, preconditions, terminating) : store.delete(key, preconditions, terminating);
        } catch (StoreException | PreconditionFailed e) {
            throw StoreErrors.toApi(e, namespaces, name);
        }
        if (!dryRun && !controller) {
            config.finalizers().execute(() -> finalizeNamespace(name));
        }
        return marked.object();
    }

    /** Deletes everything in the namespace, then the namespace itself. */
    void finalizeNamespace(String name) {
        for (int pass = 0; pass < FINALIZE_PASSES; pass++) {
            boolean found = false;
            for (ResourceType type : types.get()) {
                if (!type.namespaced()) {
                    continue;
                }
                for (Versioned v : store.list(type.keyPrefix(name), null, 0, 0).items()) {
                    found = true;
                    try {
                        store.delete(v.key(), Preconditions.NONE, o -> null);
                    } catch (StoreException.NotFound e) {
                        // already gone
                    }
                }
            }
            if (!found) {
                break;
            }
        }
        try {
            store.delete(namespaces.key(null, name), Preconditions.NONE, current -> terminating(current) ? null : current);
        } catch (StoreException.NotFound e) {
            // already gone
        }
    }
}
