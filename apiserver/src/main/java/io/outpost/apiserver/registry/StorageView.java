package io.outpost.apiserver.registry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.conversion.EventsV1Conversion;
import io.outpost.apiserver.conversion.StorageConversion;

/**
 * A resource served as a view of another resource's storage ({@link StorageConversion}).
 *
 * <p>Thread model: immutable.
 *
 * @param view       the resource the request named (events.k8s.io/v1 events)
 * @param storage    the resource whose objects it shows (core/v1 events)
 * @param conversion between the two schemas
 */
record StorageView(ResourceType view, ResourceType storage, StorageConversion conversion) {

    /** The storage-side target of a request for {@code target}. */
    Target storageTarget(Target target) {
        return new Target(storage, target.namespace(), target.name(), null);
    }

    /**
     * The explicit map of views among {@code types}, built in one place: events.k8s.io/v1 Events
     * on core/v1 Events (kube-apiserver's {@code AddCohabitatingResources(events.Resource("events"),
     * api.Resource("events"))}). A view whose storage resource is not served is left out.
     */
    static Map<ResourceType, StorageView> builtIns(List<ResourceType> types) {
        Map<ResourceType, StorageView> views = new HashMap<>();
        Optional<ResourceType> core = find(types, "", "events");
        Optional<ResourceType> events = find(types, "events.k8s.io", "events");
        if (core.isPresent() && events.isPresent()) {
            add(views, new StorageView(events.get(), core.get(), new EventsV1Conversion()));
        }
        return Map.copyOf(views);
    }

    private static void add(Map<ResourceType, StorageView> views, StorageView view) {
        if (views.putIfAbsent(view.view(), view) != null) {
            throw new IllegalStateException(view.view().plural() + "." + view.view().kind().group() + " has two storage views");
        }
    }

    private static Optional<ResourceType> find(List<ResourceType> types, String group, String plural) {
        return types.stream().filter(t -> t.stored() && t.kind().group().equals(group) && t.plural().equals(plural)).findFirst();
    }
}
