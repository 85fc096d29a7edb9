package io.outpost.apiserver.admission.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.admission.ObjectSource;
import tools.jackson.databind.JsonNode;

/**
 * The current policies (compiled) and bindings, kept from the registry's watch caches: each
 * request looks at the caches' in-memory state and recompiles only a policy whose revision
 * changed since it was compiled, as kube's policy source recompiles on informer events.
 *
 * <p>Thread model: any request thread; one {@link ReentrantLock} guards the compiled map, and
 * a request sees one consistent {@link Snapshot}.
 */
final class PolicyIndex {

    /** A policy bound by a binding, in binding-name order. */
    record Bound(CompiledPolicy policy, JsonNode binding) {
        String bindingName() {
            return binding.path("metadata").path("name").asString("");
        }
    }

    private record Entry(long revision, CompiledPolicy policy) {
    }

    private final ObjectSource objects;
    private final ResourceType policies;
    private final ResourceType bindings;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Entry> compiled = new HashMap<>();

    PolicyIndex(ObjectSource objects, ResourceType policies, ResourceType bindings) {
        this.objects = objects;
        this.policies = policies;
        this.bindings = bindings;
    }

    /** Every binding whose policy exists, with that policy. */
    List<Bound> current() {
        ObjectSource.Listing bindingList = objects.list(bindings);
        if (bindingList.items().isEmpty()) {
            return List.of();
        }
        Map<String, CompiledPolicy> byName = policies();
        List<Bound> bound = new ArrayList<>();
        for (ObjectSource.Item item : bindingList.items()) {
            JsonNode binding = item.object();
            CompiledPolicy policy = byName.get(binding.path("spec").path("policyName").asString(""));
            if (policy != null) {
                bound.add(new Bound(policy, binding));
            }
        }
        bound.sort(Comparator.comparing(Bound::bindingName));
        return bound;
    }

    private Map<String, CompiledPolicy> policies() {
        ObjectSource.Listing list = objects.list(policies);
        lock.lock();
        try {
            Map<String, Entry> next = new HashMap<>();
            for (ObjectSource.Item item : list.items()) {
                String name = item.object().path("metadata").path("name").asString("");
                Entry entry = compiled.get(name);
                if (entry == null || entry.revision() != item.revision()) {
                    entry = new Entry(item.revision(), CompiledPolicy.compile(item.object()));
                }
                next.put(name, entry);
            }
            compiled.clear();
            compiled.putAll(next);
            Map<String, CompiledPolicy> result = new HashMap<>();
            next.forEach((name, entry) -> result.put(name, entry.policy()));
            return result;
        } finally {
            lock.unlock();
        }
    }
}
