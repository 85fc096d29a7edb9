package io.outpost.apiserver.admission.priority;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.api.ResourceType;
import io.outpost.api.ResourceTypes;
import io.outpost.apiserver.admission.AdmissionAttributes;
import io.outpost.apiserver.admission.AdmissionDenied;
import io.outpost.apiserver.admission.ObjectSource;
import io.outpost.apiserver.admission.Operation;
import io.outpost.apiserver.http.UserInfo;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The Priority plugin over an in-memory set of PriorityClasses. */
class PriorityAdmissionTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final ResourceTypes TYPES = ResourceTypes.builtIns();
    static final ResourceType CLASSES = TYPES.lookup("scheduling.k8s.io", "v1", "priorityclasses").orElseThrow();
    static final ResourceType PODS = TYPES.lookup("", "v1", "pods").orElseThrow();

    static final class Classes implements ObjectSource {
        final Map<String, Item> byName = new LinkedHashMap<>();

        Classes put(String name, int value, boolean globalDefault, String policy) {
            ObjectNode pc = JSON.createObjectNode();
            pc.putObject("metadata").put("name", name);
            pc.put("value", value).put("globalDefault", globalDefault);
            if (policy != null) {
                pc.put("preemptionPolicy", policy);
            }
            byName.put(name, new Item(pc, byName.size() + 1));
            return this;
        }

        @Override
        public Listing list(ResourceType type) {
            return new Listing(type.equals(CLASSES) ? new ArrayList<>(byName.values()) : List.of(), byName.size());
        }

        @Override
        public Optional<ObjectNode> get(ResourceType type, String namespace, String name) {
            return type.equals(CLASSES) ? Optional.ofNullable(byName.get(name)).map(Item::object) : Optional.empty();
        }

        @Override
        public Optional<ResourceType> resourceOf(String apiVersion, String kind) {
            return Optional.empty();
        }
    }

    static final UserInfo ALICE = new UserInfo("alice", List.of("system:authenticated"));

    static AdmissionAttributes podCreate(String spec) {
        ObjectNode pod = (ObjectNode) JSON.readTree("{\"metadata\":{\"name\":\"p\",\"namespace\":\"default\"},\"spec\":"
                + spec.replace('\'', '"') + "}");
        return new AdmissionAttributes(Operation.CREATE, PODS, "", "default", "p", pod, null, ALICE, false, null);
    }

    /** {@code priority} null: refused with {@code refusal}. */
    record Case(String name, Classes classes, String spec, Integer priority, String policy, String className, String refusal) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Classes some() {
        return new Classes().put("high", 1000, false, "PreemptLowerPriority").put("batch", 10, false, "Never");
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A pod naming a class gets its value and policy", some(), "{'priorityClassName':'high'}", 1000,
                        "PreemptLowerPriority", "high", null),
                new Case("A class's Never policy is the pod's", some(), "{'priorityClassName':'batch'}", 10, "Never", "batch", null),
                new Case("A pod naming no class and no default gets 0", some(), "{}", 0, "PreemptLowerPriority", null, null),
                new Case("A pod naming no class gets the global default's, and its name",
                        some().put("normal", 100, true, "PreemptLowerPriority"), "{}", 100, "PreemptLowerPriority", "normal", null),
                new Case("Of two global defaults the lower value wins",
                        some().put("normal", 100, true, null).put("cheap", 5, true, null), "{}", 5, "PreemptLowerPriority", "cheap", null),
                new Case("The priority the class computes may be given too", some(), "{'priorityClassName':'high','priority':1000}",
                        1000, "PreemptLowerPriority", "high", null),
                new Case("An unknown class is forbidden", some(), "{'priorityClassName':'gold'}", null, null, null,
                        "pods \"p\" is forbidden: no PriorityClass with name gold was found"),
                new Case("A priority other than the class's is forbidden", some(), "{'priorityClassName':'high','priority':5}",
                        null, null, null, "pods \"p\" is forbidden: the integer value of priority (5) must not be provided in pod spec; "
                        + "priority admission controller computed 1000 from the given PriorityClass name"),
                new Case("A priority without a class is forbidden unless it is the default's", some(), "{'priority':7}", null, null,
                        null, "the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 0"),
                new Case("A policy other than the class's is forbidden", some(),
                        "{'priorityClassName':'batch','preemptionPolicy':'PreemptLowerPriority'}", null, null, null,
                        "the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod spec; "
                        + "priority admission controller computed Never from the given PriorityClass name"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void resolvesPriorityOnCreate(Case c) {
        var plugin = new PriorityAdmission(c.classes(), CLASSES);
        var a = podCreate(c.spec());
        if (c.refusal() != null) {
            assertThatThrownBy(() -> plugin.admit(a, new ArrayList<>())).isInstanceOfSatisfying(AdmissionDenied.class, d -> {
                assertThat(d.code()).isEqualTo(403);
                assertThat(d.getMessage()).contains(c.refusal());
            });
            return;
        }
        plugin.admit(a, new ArrayList<>());
        var spec = a.object().path("spec");
        assertThat(spec.path("priority").asInt()).isEqualTo(c.priority());
        assertThat(spec.path("preemptionPolicy").asString()).isEqualTo(c.policy());
        assertThat(spec.path("priorityClassName").asString(null)).isEqualTo(c.className());
    }

    @Test
    void anUpdateKeepsThePriorityOfCreation() {
        var plugin = new PriorityAdmission(some(), CLASSES);
        ObjectNode old = (ObjectNode) JSON.readTree("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"priority\":1000,"
                + "\"preemptionPolicy\":\"Never\"}}");
        ObjectNode updated = (ObjectNode) JSON.readTree("{\"metadata\":{\"name\":\"p\"},\"spec\":{}}");
        plugin.admit(new AdmissionAttributes(Operation.UPDATE, PODS, "", "default", "p", updated, old, ALICE, false, null),
                new ArrayList<>());
        assertThat(updated.path("spec").path("priority").asInt()).isEqualTo(1000);
        assertThat(updated.path("spec").path("preemptionPolicy").asString()).isEqualTo("Never");
    }

    @Test
    void onlyOneClassMayBeTheGlobalDefault() {
        var plugin = new PriorityAdmission(some().put("normal", 100, true, null), CLASSES);
        ObjectNode second = (ObjectNode) JSON.readTree("{\"metadata\":{\"name\":\"other\"},\"value\":5,\"globalDefault\":true}");
        assertThatThrownBy(() -> plugin.validate(new AdmissionAttributes(Operation.CREATE, CLASSES, "", "", "other", second, null,
                ALICE, false, null), new ArrayList<>()))
                .hasMessage("priorityclasses.scheduling.k8s.io \"other\" is forbidden: PriorityClass normal is already marked as "
                        + "default. Only one default can exist");
        ObjectNode same = (ObjectNode) JSON.readTree("{\"metadata\":{\"name\":\"normal\"},\"value\":100,\"globalDefault\":true}");
        plugin.validate(new AdmissionAttributes(Operation.UPDATE, CLASSES, "", "", "normal", same, same, ALICE, false, null),
                new ArrayList<>());
    }

    @Test
    void aSystemClassCannotBeDeleted() {
        var plugin = new PriorityAdmission(some(), CLASSES);
        assertThatThrownBy(() -> plugin.validate(new AdmissionAttributes(Operation.DELETE, CLASSES, "", "",
                "system-node-critical", null, null, ALICE, false, null), new ArrayList<>()))
                .hasMessageContaining("this is a system priority class and cannot be deleted");
        plugin.validate(new AdmissionAttributes(Operation.DELETE, CLASSES, "", "", "high", null, null, ALICE, false, null),
                new ArrayList<>());
    }
}
