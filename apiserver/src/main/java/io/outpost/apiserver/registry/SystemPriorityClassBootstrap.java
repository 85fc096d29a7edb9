package io.outpost.apiserver.registry;

import java.util.Optional;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.admission.AdmissionChain;
import io.outpost.apiserver.admission.priority.SystemPriorityClasses;
import io.outpost.apiserver.apply.ApplySchema;
import io.outpost.apiserver.storage.ObjectStore;
import io.outpost.apiserver.validation.Strategies;
import io.outpost.apiserver.validation.Validation;
import io.outpost.store.StoreException;
import tools.jackson.databind.node.ObjectNode;

/**
 * Creates the system PriorityClasses ({@code system-node-critical}, {@code system-cluster-critical})
 * when missing, at start, as kube-apiserver's {@code scheduling/bootstrap-system-priority-classes}
 * post-start hook does, so pods may name them from the first moment.
 *
 * <p>Thread model: run once by {@link Registry#start}; several servers racing to create one is
 * fine (AlreadyExists is the other's success).
 */
final class SystemPriorityClassBootstrap {

    private final ObjectStore store;
    private final RegistryConfig config;
    private final NamespaceLifecycle namespaces;
    private final Strategies strategies;
    private final Optional<ResourceType> priorityClasses;

    SystemPriorityClassBootstrap(ObjectStore store, RegistryConfig config, NamespaceLifecycle namespaces,
                                 Strategies strategies) {
        this.store = store;
        this.config = config;
        this.namespaces = namespaces;
        this.strategies = strategies;
        this.priorityClasses = config.types().stream()
                .filter(t -> t.kind().group().equals("scheduling.k8s.io") && t.kind().kind().equals("PriorityClass"))
                .findFirst();
    }

    void ensure() {
        if (priorityClasses.isEmpty()) {
            return;
        }
        ResourceType type = priorityClasses.get();
        for (SystemPriorityClasses.Class c : SystemPriorityClasses.ALL) {
            if (store.get(type.key(null, c.name())).isPresent()) {
                continue;
            }
            ObjectNode pc = Responses.JSON.createObjectNode();
            pc.put("kind", "PriorityClass").put("apiVersion", "scheduling.k8s.io/v1");
            pc.putObject("metadata").put("name", c.name());
            pc.put("value", c.value()).put("description", c.description()).put("preemptionPolicy", "PreemptLowerPriority");
            new Creates(store, config, namespaces, new Bodies(strategies), new Validation(strategies),
                    new FieldTracking(config.clock(), t -> ApplySchema.NONE), new Admission(AdmissionChain.EMPTY))
                    .prepare(pc, type);
            try {
                store.create(type.key(null, c.name()), ObjectMeta.withTypeMeta(pc, type));
            } catch (StoreException.AlreadyExists e) {
                // another server created it first
            }
        }
    }
}
