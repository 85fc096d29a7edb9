package io.outpost.apiserver.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import io.outpost.api.ResourceType;
import io.outpost.api.ResourceTypes;
import io.outpost.apiserver.admission.AdmissionChain;
import io.outpost.apiserver.admission.ObjectSource;
import io.outpost.apiserver.catalog.CustomKind;
import io.outpost.apiserver.catalog.ResourceCatalog;

import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.storage.KeyTtl;
import io.outpost.apiserver.storage.ObjectStore;
import io.outpost.apiserver.validation.Strategies;
import io.outpost.apiserver.watchcache.WatchCacheConfig;
import io.outpost.apiserver.watchcache.WatchCaches;
import io.outpost.store.StoreException;
import tools.jackson.core.JacksonException;

/**
 * The generic REST verbs for every stored resource (kube-apiserver's {@code genericregistry.Store}
 * and its request handlers): get, list, watch, create, update, delete, deletecollection, and the
 * {@code status}, {@code scale} and {@code binding} subresources.
 *
 * <p>The router resolves the URL to a {@link Target} (authentication and authorization already
 * done) and calls {@link #handle}. Objects are Jackson trees, generic over kinds; per-kind
 * behaviour is in {@link KindRules}. A resource kept in another's storage (events.k8s.io/v1
 * Events in core/v1 Events', {@link StorageView}) is served by that resource's verbs through
 * {@link ViewVerbs}.
 *
 * <p>Thread model: called on each request's own virtual thread, any number at once; blocking is
 * fine. It holds no mutable state beyond the store's; a watch blocks its request's thread for
 * the watch's life. {@link #start} must run once before serving; {@link #close} stops the watch
 * caches' dispatcher threads.
 */
public final class Registry implements AutoCloseable {

    private static final Set<String> TRUE = Set.of("1", "t", "true");
    /** How long a request for a resourceVersion the watch cache has not reached waits (kube: 3 s). */
    private static final java.time.Duration FRESHNESS_WAIT = java.time.Duration.ofSeconds(3);

    private final Verbs verbs;
    private final NamespaceLifecycle namespaces;
    private final SystemPriorityClassBootstrap priorityClasses;
    private final WatchCaches caches;
    private final CachedObjects objects;
    private final ObjectStore store;
    private final Map<ResourceType, StorageView> views;
    private final ViewVerbs viewVerbs;
    private final Runnable eventTtlAdoption;

    /** A registry with the built-in admission chain ({@link BuiltInAdmission}). */
    public Registry(RegistryConfig config) {
        this(config, objects -> BuiltInAdmission.chain(objects, config));
    }

    /**
     * A registry whose admission chain {@code admission} builds from the registry's in-memory view
     * of current objects.
     */
    public Registry(RegistryConfig config, Function<ObjectSource, AdmissionChain> admission) {
        this(config, admission, new ResourceCatalog(ResourceTypes.builder().build()), Strategies.builtIns());
    }

    /** The built-in admission chain, and the custom resources of {@code catalog}: see the full constructor. */
    public Registry(RegistryConfig config, ResourceCatalog catalog, Strategies strategies) {
        this(config, objects -> BuiltInAdmission.chain(objects, config), catalog, strategies);
    }

    /**
     * A registry of {@code config.types()} and the resources {@code catalog} serves at each moment
     * (custom resources); a kind without a built-in strategy gets the catalog's. The watch cache of
     * a resource the catalog stops serving is stopped.
     */
    public Registry(RegistryConfig config, Function<ObjectSource, AdmissionChain> admission, ResourceCatalog catalog,
                    Strategies strategies) {
        Optional<ResourceType> events = coreEvents(config);
        this.store = new ObjectStore(config.store(), events.map(e -> KeyTtl.under(e.keyPrefix(), config.eventTtl())).orElse(KeyTtl.NONE));
        this.eventTtlAdoption = () -> events.ifPresent(e -> EventTtlAdoption.run(config.store(), e.keyPrefix(), config.eventTtl(),
                config.clock()));
        this.caches = new WatchCaches(new WatchCacheConfig(config.store(), config.clock(), config.watchPollInterval(),
                config.watchCacheEvents(), config.watcherBuffer(), FRESHNESS_WAIT));
        Strategies all = strategies.withMore(kind -> catalog.snapshot().custom(kind).map(CustomKind::strategy));
        Supplier<List<ResourceType>> types = () -> {
            List<ResourceType> served = new ArrayList<>(config.types());
            catalog.snapshot().custom().values().forEach(k -> served.add(k.type()));
            return served;
        };
        this.namespaces = new NamespaceLifecycle(store, config, types, all);
        this.priorityClasses = new SystemPriorityClassBootstrap(store, config, namespaces, all);
        this.objects = new CachedObjects(caches, config.types(), () -> config.store().currentRevision());
        AdmissionChain chain = admission.apply(objects);
        this.verbs = new Verbs(store, config, namespaces, caches, new Admission(chain), all, catalog);
        this.views = StorageView.builtIns(config.types());
        this.viewVerbs = new ViewVerbs(verbs);
        catalog.onRemoved(caches::stop);
    }

    /**
     * Current objects from the watch caches, for the server's own readers that must not read the
     * store per request (bootstrap-token authentication, the node authorizer), as admission reads them.
     */
    public ObjectSource objects() {
        return objects;
    }

    /** Ends every watch and stops the watch caches. Idempotent. */
    @Override
    public void close() {
        caches.close();
    }

    /**
     * Creates the namespaces every cluster has (default, kube-system, kube-public, kube-node-lease)
     * and the system PriorityClasses if missing, and moves objects a resource that became a view
     * of another's storage had kept apart ({@link ViewMigration}); gives events an earlier version
     * kept without a ttl theirs ({@link EventTtlAdoption}).
     */
    public void start() {
        namespaces.ensureSystemNamespaces();
        priorityClasses.ensure();
        views.values().forEach(view -> ViewMigration.run(store, view));
        eventTtlAdoption.run();
    }

    /** Serves one request for {@code target}; never throws for bad input or a storage failure. */
    public ApiResponse handle(ApiRequest request, Target target) {
        try {
            return dispatch(request, target);
        } catch (ApiException e) {
            return e.response();
        } catch (StoreException e) {
            return StoreErrors.toApi(e, target.type(), target.name()).response();
        } catch (JacksonException e) {
            return ApiException.badRequest("the request could not be decoded: " + e.getOriginalMessage()).response();
        }
    }

    private ApiResponse dispatch(ApiRequest request, Target target) {
        String method = request.method().toUpperCase(Locale.ROOT);
        if (target.subresource() != null && !views.containsKey(target.type())) {
            return verbs.subresource(method, request, target);
        }
        boolean watch = request.param("watch").map(v -> TRUE.contains(v.toLowerCase(Locale.ROOT))).orElse(false);
        StorageView view = views.get(target.type());
        if (view != null) {
            return viewVerbs.handle(method, watch, request, target, view);
        }
        return switch (method) {
            case "GET" -> watch ? verbs.watches.watch(request, target)
                    : target.name() == null ? verbs.lists.list(request, target) : verbs.get(target);
            case "POST" -> target.name() == null ? verbs.creates.create(request, target)
                    : throwing(ApiException.methodNotAllowed("POST on an object"));
            case "PUT" -> target.name() != null ? verbs.updates.update(request, target)
                    : throwing(ApiException.methodNotAllowed("PUT on a collection"));
            case "PATCH" -> target.name() != null ? verbs.patching.patch(request, target)
                    : throwing(ApiException.methodNotAllowed("PATCH on a collection"));
            case "DELETE" -> target.name() != null ? verbs.deletes.delete(request, target)
                    : verbs.deletes.deleteCollection(request, target);
            default -> throwing(ApiException.methodNotAllowed(method));
        };
    }

    /**
     * The core/v1 Events, if served: every write of one carries {@code --event-ttl}, as kube's event
     * registry's {@code TTLFunc} answers it for every create and update; events.k8s.io/v1 Events
     * are stored under the same keys ({@link StorageView}), so they expire alike.
     */
    private static Optional<ResourceType> coreEvents(RegistryConfig config) {
        return config.types().stream()
                .filter(t -> t.stored() && t.kind().group().isEmpty() && t.plural().equals("events"))
                .findFirst();
    }

    static ApiResponse throwing(ApiException e) {
        throw e;
    }
}
