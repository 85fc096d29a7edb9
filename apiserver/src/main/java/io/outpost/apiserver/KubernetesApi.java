package io.outpost.apiserver;

import java.time.Clock;
import java.util.Optional;

import io.outpost.api.ResourceType;
import io.outpost.api.ResourceTypes;
import io.outpost.apiserver.catalog.CustomKind;
import io.outpost.apiserver.catalog.PerSnapshot;
import io.outpost.apiserver.catalog.ResourceCatalog;
import io.outpost.apiserver.discovery.DiscoveryHandler;
import io.outpost.apiserver.http.ApiHandler;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.RequestInfo;
import io.outpost.apiserver.http.Router;
import io.outpost.apiserver.registry.Registry;
import io.outpost.apiserver.registry.SubresourceHandler;
import io.outpost.apiserver.registry.Target;
import io.outpost.apiserver.table.TableConvertor;
import io.outpost.apiserver.table.Tables;

/**
 * Everything under {@code /api} and {@code /apis}: discovery documents for the group and version
 * paths themselves, and the {@link Registry} for resource paths. Resolves a URL to its
 * {@link ResourceType} and {@link Target} as kube-apiserver's installer does: an unknown resource,
 * a namespace segment on a cluster-scoped resource, or a name without the namespace of a
 * namespaced resource is 404 "the server could not find the requested resource".
 *
 * <p>Thread model: stateless; called on each request's own virtual thread.
 */
public final class KubernetesApi implements ApiHandler {

    private final ResourceCatalog catalog;
    private final PerSnapshot<DiscoveryHandler> discovery;
    private final Registry registry;
    private final Presentation presentation;
    /** Subresources served outside the registry, by {@code group/plural/subresource}. */
    private final java.util.Map<String, SubresourceHandler> subresources;

    /** The API of a fixed set of resources. */
    public KubernetesApi(ResourceTypes types, Registry registry, Clock clock) {
        this(new ResourceCatalog(types), registry, clock);
    }

    /** The API of the resources {@code catalog} serves at each request (custom resources come and go). */
    public KubernetesApi(ResourceCatalog catalog, Registry registry, Clock clock) {
        this(catalog, registry, clock, java.util.Map.of());
    }

    /**
     * As above, with subresources that {@code subresources} serve instead of the registry, keyed
     * {@code group/plural/subresource} ({@code /serviceaccounts/token}); the resource must list the
     * subresource (so discovery shows it).
     */
    public KubernetesApi(ResourceCatalog catalog, Registry registry, Clock clock, java.util.Map<String, SubresourceHandler> subresources) {
        this.catalog = catalog;
        this.discovery = new PerSnapshot<>(catalog, snapshot -> new DiscoveryHandler(snapshot.types()));
        this.registry = registry;
        this.presentation = new Presentation(clock);
        this.subresources = java.util.Map.copyOf(subresources);
    }

    /** Mounts the API on {@code /api} and {@code /apis}; exact routes (the reviews) stay in front. */
    public void mountOn(Router.Builder router) {
        router.prefix("/api", this);
        router.prefix("/apis", this);
    }

    @Override
    public ApiResponse handle(ApiRequest request) {
        RequestInfo info = RequestInfo.parse(request.method(), request.path(), request.query());
        if (!info.resourceRequest()) {
            return discovery.get().handle(request);
        }
        ResourceCatalog.Snapshot snapshot = catalog.snapshot();
        Optional<Target> target = target(snapshot.types(), info);
        if (target.isEmpty()) {
            return Router.notFound();
        }
        Target t = target.get();
        if (t.subresource() != null) {
            SubresourceHandler handler = subresources.get(t.type().kind().group() + "/" + t.type().plural() + "/" + t.subresource());
            if (handler != null) {
                return handler.handle(request, t);
            }
        }
        ApiResponse response = registry.handle(request, t);
        boolean read = info.verb().equals("get") || info.verb().equals("list") || info.verb().equals("watch");
        return read && target.get().subresource() == null
                ? presentation.present(request, target.get().type(), convertor(snapshot, target.get().type()),
                        target.get().name() == null, response)
                : response;
    }

    private static TableConvertor convertor(ResourceCatalog.Snapshot snapshot, ResourceType type) {
        return snapshot.custom(type.kind()).map(CustomKind::table).orElseGet(() -> Tables.forKind(type.kind()));
    }

    /** The stored resource a request is for, or empty if no such resource is served there. */
    Optional<Target> target(RequestInfo info) {
        return target(catalog.types(), info);
    }

    private static Optional<Target> target(ResourceTypes types, RequestInfo info) {
        Optional<ResourceType> type = types.lookup(info.apiGroup(), info.apiVersion(), info.resource());
        if (type.isEmpty() || !type.get().stored()) {
            return Optional.empty();
        }
        ResourceType t = type.get();
        String namespace = info.namespace();
        // The name in the path, not info.name(): a list or watch with fieldSelector=metadata.name=X
        // carries X there (for authorization, as kube's RequestInfo) but still reads the collection.
        String pathName = info.parts().size() >= 2 ? info.parts().get(1) : "";
        String name = pathName.isEmpty() ? null : pathName;
        String subresource = info.subresource().isEmpty() ? null : info.subresource();
        if (subresource != null && t.subresource(subresource).isEmpty()) {
            return Optional.empty();
        }
        if (!t.namespaced()) {
            // kube sets the namespace of /api/v1/namespaces/NAME to NAME; nothing else cluster-scoped has one.
            boolean namespaceItself = info.resource().equals("namespaces") && namespace.equals(info.name());
            if (!namespace.isEmpty() && !namespaceItself) {
                return Optional.empty();
            }
            return Optional.of(new Target(t, null, name, subresource));
        }
        if (name != null && namespace.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Target(t, namespace.isEmpty() ? null : namespace, name, subresource));
    }
}
