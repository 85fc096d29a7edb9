package io.outpost.apiserver.registry;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST pods/<name>/binding}: the scheduler's assignment of a pod to a node
 * (kube's {@code BindingREST}). Sets {@code spec.nodeName} and the PodScheduled condition; a pod
 * already assigned, or being deleted, is 409 Conflict on {@code pods/binding}. Answers 201
 * {@code Status Success}. Thread model: as {@link Registry}.
 */
final class Bindings {

    private final Updates updates;
    private final RegistryConfig config;

    Bindings(Updates updates, RegistryConfig config) {
        this.updates = updates;
        this.config = config;
    }

    ApiResponse bind(ApiRequest request, Target target) {
        ResourceType pods = target.type();
        ObjectNode binding = Responses.body(request);
        String kind = binding.path("kind").asString("");
        if (!kind.isEmpty() && !kind.equals("Binding")) {
            throw ApiException.badRequest(kind + " cannot be handled as a Binding");
        }
        String name = binding.path("metadata").path("name").asString("");
        if (!name.isEmpty() && !name.equals(target.name())) {
            throw ApiException.badRequest("name in URL does not match name in Binding object");
        }
        String node = binding.path("target").path("name").asString("");
        if (node.isEmpty()) {
            throw ApiException.invalid(pods, target.name(), "target.name", "Required value: the node to bind to");
        }
        ResourceType bindingType = new ResourceType(pods.kind(), pods.plural() + "/binding", "binding", pods.scope(),
                java.util.List.of(), java.util.List.of(), java.util.List.of(), java.util.List.of());
        String expectedUid = binding.path("metadata").path("uid").asString("");
        // kube admits a binding as a CREATE of pods/binding, with the Binding as the object.
        updates.admission().validate(io.outpost.apiserver.admission.Operation.CREATE, request, target, target.name(), binding,
                null, false, "CreateOptions", new java.util.ArrayList<>());
        updates.write(target, false, current -> {
            ObjectNode pod = current.object();
            if (!expectedUid.isEmpty() && !expectedUid.equals(ObjectMeta.uid(pod))) {
                throw ApiException.conflict(bindingType, target.name(), "pod " + target.name() + " has a different uid");
            }
            if (ObjectMeta.deleting(pod)) {
                throw ApiException.conflict(bindingType, target.name(), "pod " + target.name() + " is being deleted, cannot be assigned to a host");
            }
            String bound = pod.path("spec").path("nodeName").asString("");
            if (!bound.isEmpty()) {
                throw ApiException.conflict(bindingType, target.name(), "pod " + target.name() + " is already assigned to node \"" + bound + "\"");
            }
            pod.withObjectProperty("spec").put("nodeName", node);
            ObjectNode status = pod.withObjectProperty("status");
            ArrayNode conditions = status.get("conditions") instanceof ArrayNode a ? a : status.putArray("conditions");
            for (int i = conditions.size() - 1; i >= 0; i--) {
                if (conditions.get(i).path("type").asString("").equals("PodScheduled")) {
                    conditions.remove(i);
                }
            }
            ObjectNode scheduled = conditions.addObject();
            scheduled.put("type", "PodScheduled");
            scheduled.put("status", "True");
            scheduled.putNull("lastProbeTime");
            scheduled.put("lastTransitionTime", ObjectMeta.timestamp(config.clock().instant()));
            return pod;
        });
        ObjectNode ok = Responses.JSON.createObjectNode();
        ok.put("kind", "Status").put("apiVersion", "v1");
        ok.putObject("metadata");
        ok.put("status", "Success");
        ok.put("code", 201);
        return Responses.json(201, ok);
    }
}
