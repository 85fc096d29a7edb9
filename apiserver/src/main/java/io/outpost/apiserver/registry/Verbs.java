package io.outpost.apiserver.registry;

import io.outpost.apiserver.apply.ApplySchema;
import io.outpost.apiserver.apply.BuiltinApplySchemas;
import io.outpost.apiserver.apply.StructuralApplySchema;
import io.outpost.apiserver.catalog.ResourceCatalog;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.storage.ObjectStore;
import io.outpost.apiserver.storage.Versioned;
import io.outpost.apiserver.validation.Strategies;
import io.outpost.apiserver.validation.Validation;
import io.outpost.apiserver.watchcache.WatchCaches;

/**
 * The verb implementations, wired once, and the small ones (get, subresource dispatch).
 * Thread model: as {@link Registry}.
 */
final class Verbs {

    final ObjectStore store;
    final RegistryConfig config;
    final NamespaceLifecycle namespaces;
    final Creates creates;
    final Updates updates;
    final Deletes deletes;
    final Lists lists;
    final Watches watches;
    final Scales scales;
    final Bindings bindings;
    final Patching patching;
    final Applies applies;
    final Bodies bodies;

    Verbs(ObjectStore store, RegistryConfig config, NamespaceLifecycle namespaces, WatchCaches caches, Admission admission,
          Strategies strategies, ResourceCatalog catalog) {
        this.store = store;
        this.config = config;
        this.namespaces = namespaces;
        this.bodies = new Bodies(strategies);
        Validation validation = new Validation(strategies);
        // A custom resource's apply schema comes from its CRD version's openAPIV3Schema.
        FieldTracking tracking = new FieldTracking(config.clock(), type -> catalog.snapshot().custom(type.kind())
                .map(k -> k.schema() == null ? ApplySchema.NONE : (ApplySchema) StructuralApplySchema.of(k.schema()))
                .orElseGet(() -> BuiltinApplySchemas.forKind(type.kind().group(), type.kind().kind())));
        this.creates = new Creates(store, config, namespaces, bodies, validation, tracking, admission);
        this.updates = new Updates(store, creates, namespaces, bodies, validation, tracking, admission);
        this.deletes = new Deletes(store, config, namespaces, admission);
        this.lists = new Lists(store, caches);
        this.watches = new Watches(caches, config);
        this.scales = new Scales(store, updates, tracking, catalog);
        this.bindings = new Bindings(updates, config);
        this.applies = new Applies(updates, creates, namespaces, bodies, validation, tracking, admission);
        this.patching = new Patching(updates, bodies, applies, tracking, admission);
    }

    ApiResponse get(Target target) {
        return Responses.object(200, read(target).object(), target.type());
    }

    Versioned read(Target target) {
        return store.get(target.key()).orElseThrow(() -> ApiException.notFound(target.type(), target.name()));
    }

    ApiResponse subresource(String method, ApiRequest request, Target target) {
        String sub = target.subresource();
        if (target.type().subresource(sub).isEmpty()) {
            throw ApiException.notFound(target.type(), target.name() + "/" + sub);
        }
        return switch (sub) {
            case "status" -> switch (method) {
                case "GET" -> get(target);
                case "PUT" -> updates.updateStatus(request, target);
                case "PATCH" -> patching.patch(request, target);
                default -> Registry.throwing(ApiException.methodNotAllowed(method + " on status"));
            };
            // certificates.k8s.io's approval: a PUT of the whole object whose status conditions are
            // kept (CertificateSigningRequests' admission keeps the rest of the stored status).
            case "approval" -> switch (method) {
                case "GET" -> get(target);
                case "PUT" -> updates.updateStatus(request, target);
                case "PATCH" -> patching.patch(request, target);
                default -> Registry.throwing(ApiException.methodNotAllowed(method + " on approval"));
            };
            case "scale" -> switch (method) {
                case "GET" -> scales.get(target);
                case "PUT" -> scales.update(request, target);
                case "PATCH" -> scales.patch(request, target);
                default -> Registry.throwing(ApiException.methodNotAllowed(method + " on scale"));
            };
            case "finalize" -> method.equals("PUT") ? updates.updateFinalize(request, target)
                    : Registry.throwing(ApiException.methodNotAllowed(method + " on finalize"));
            case "binding" -> method.equals("POST") ? bindings.bind(request, target)
                    : Registry.throwing(ApiException.methodNotAllowed(method + " on binding"));
            default -> Registry.throwing(ApiException.notFound(target.type(), target.name() + "/" + sub));
        };
    }
}
