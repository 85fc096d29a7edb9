package io.outpost.apiserver.apply;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.outpost.apiserver.patch.BuiltinPatchStrategies;
import io.outpost.apiserver.patch.PatchStrategies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The apply schemas of the built-in kinds, derived from their strategic merge patch table as
 * structured-merge-diff derives them where kube's OpenAPI has no {@code x-kubernetes-list-type}: a
 * list merged on a key is a map list, a merged list of scalars is a set, any other list is atomic.
 * Where kube's Go types say more than their patch tags ({@code +listMapKey=protocol} on ports,
 * {@code +structType=atomic} on LabelSelector, {@code +mapType=atomic} on a Service's selector)
 * the difference is listed here.
 *
 * <p>Immutable; one schema per kind, built on first use and shared.
 */
public final class BuiltinApplySchemas {

    private static final JsonNode TCP = JsonNodeFactory.instance.stringNode("TCP");
    private static final Set<String> LABEL_SELECTOR_KINDS = Set.of("apps/Deployment", "apps/ReplicaSet", "apps/StatefulSet",
            "apps/DaemonSet", "batch/Job");
    private static final Map<String, ApplySchema> CACHE = new ConcurrentHashMap<>();
    /**
     * Non-pointer structs of the built-in kinds, where they have them (a path a kind does not
     * have is harmless: it is added empty to both sides of a comparison).
     */
    private static final List<String> ZERO_OBJECTS = List.of("metadata", "spec", "status",
            "spec.template", "spec.template.metadata", "spec.template.spec", "spec.strategy", "spec.updateStrategy",
            "spec.jobTemplate", "spec.jobTemplate.metadata", "spec.jobTemplate.spec", "spec.jobTemplate.spec.template",
            "spec.jobTemplate.spec.template.metadata", "spec.jobTemplate.spec.template.spec");

    private BuiltinApplySchemas() {
    }

    /** The schema of a built-in kind ({@code group} "" for core); ObjectMeta's alone for any other. */
    public static ApplySchema forKind(String group, String kind) {
        return CACHE.computeIfAbsent(group + "/" + kind, k -> build(group, kind));
    }

    private static ApplySchema build(String group, String kind) {
        Map<String, ListType> lists = new HashMap<>();
        BuiltinPatchStrategies.forKind(group, kind).fields().forEach((path, field) -> lists.put(path, listType(path, field)));
        lists.put("metadata.managedFields", ListType.ATOMIC);
        Set<String> atomicObjects = new java.util.HashSet<>();
        String id = group + "/" + kind;
        if (LABEL_SELECTOR_KINDS.contains(id)) {
            atomicObjects.add("spec.selector");
        }
        if (id.equals("batch/CronJob")) {
            atomicObjects.add("spec.jobTemplate.spec.selector");
        }
        if (id.equals("/Service")) {
            atomicObjects.add("spec.selector");
            lists.put("spec.ports", withProtocol("port"));
        }
        return new Table(Map.copyOf(lists), Set.copyOf(atomicObjects));
    }

    private static ListType listType(String path, PatchStrategies.Field field) {
        if (!field.merge()) {
            return ListType.ATOMIC;
        }
        if (field.mergeKey() == null) {
            return ListType.SET;
        }
        if (path.endsWith("ontainers.ports")) {
            return withProtocol("containerPort");
        }
        if (path.endsWith(".topologySpreadConstraints")) {
            return ListType.map("topologyKey", "whenUnsatisfiable");
        }
        return ListType.map(field.mergeKey());
    }

    /** kube's {@code +listMapKey=<port>}, {@code +listMapKey=protocol} with protocol defaulted to TCP. */
    private static ListType withProtocol(String port) {
        return new ListType(ListType.Kind.MAP, List.of(port, "protocol"), Map.of("protocol", TCP));
    }

    private record Table(Map<String, ListType> lists, Set<String> atomicObjects) implements ApplySchema {
        @Override
        public ListType list(String path) {
            return lists.getOrDefault(path, ListType.ATOMIC);
        }

        @Override
        public boolean atomicObject(String path) {
            return atomicObjects.contains(path);
        }

        @Override
        public List<String> zeroObjects() {
            return ZERO_OBJECTS;
        }
    }
}
