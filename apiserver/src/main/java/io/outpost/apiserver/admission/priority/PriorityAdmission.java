package io.outpost.apiserver.admission.priority;

import java.util.List;
import java.util.Optional;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.admission.AdmissionAttributes;
import io.outpost.apiserver.admission.AdmissionDenied;
import io.outpost.apiserver.admission.MutatingPlugin;
import io.outpost.apiserver.admission.ObjectSource;
import io.outpost.apiserver.admission.Operation;
import io.outpost.apiserver.admission.ValidatingPlugin;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * kube-apiserver's {@code Priority} admission plugin
 * ({@code plugin/pkg/admission/priority}):
 * <ul>
 *   <li>a pod being created gets {@code spec.priority} and {@code spec.preemptionPolicy} from
 *       its {@code priorityClassName}, or from the global default class (the lowest-valued one
 *       marked {@code globalDefault}; priority 0 if none), whose name it then carries. An unknown
 *       class, or a priority or policy in the pod that differs from the class's, is 403 Forbidden
 *       in kube's words; an update keeps the priority set at creation;</li>
 *   <li>a PriorityClass may be {@code globalDefault} only if no other one is (403);</li>
 *   <li>the system classes ({@link SystemPriorityClasses}) cannot be deleted (403).</li>
 * </ul>
 *
 * <p>Thread model: stateless; reads the classes from the registry's watch cache on the request's
 * thread, as kube's plugin reads its informer's lister.
 */
public final class PriorityAdmission implements MutatingPlugin, ValidatingPlugin {

    public static final String NAME = "Priority";

    private final ObjectSource objects;
    private final ResourceType priorityClasses;

    public PriorityAdmission(ObjectSource objects, ResourceType priorityClasses) {
        this.objects = objects;
        this.priorityClasses = priorityClasses;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void admit(AdmissionAttributes a, List<String> warnings) {
        if (!isPods(a) || a.object() == null) {
            return;
        }
        ObjectNode spec = a.object().path("spec") instanceof ObjectNode s ? s : a.object().putObject("spec");
        if (a.operation() == Operation.UPDATE) {
            JsonNode oldSpec = a.oldObject() == null ? null : a.oldObject().path("spec");
            if (oldSpec != null && !spec.has("priority") && oldSpec.has("priority")) {
                spec.set("priority", oldSpec.get("priority"));
            }
            if (oldSpec != null && !spec.has("preemptionPolicy") && oldSpec.has("preemptionPolicy")) {
                spec.set("preemptionPolicy", oldSpec.get("preemptionPolicy"));
            }
            return;
        }
        if (a.operation() != Operation.CREATE) {
            return;
        }
        String className = spec.path("priorityClassName").asString("");
        int priority;
        String policy;
        if (className.isEmpty()) {
            Optional<JsonNode> def = globalDefault();
            priority = def.map(c -> c.path("value").asInt(0)).orElse(0);
            policy = def.map(PriorityAdmission::policyOf).orElse("PreemptLowerPriority");
            def.ifPresent(c -> spec.put("priorityClassName", c.path("metadata").path("name").asString()));
        } else {
            JsonNode pc = objects.get(priorityClasses, "", className).orElseThrow(() -> AdmissionDenied.forbidden(a, null,
                    "no PriorityClass with name " + className + " was found"));
            priority = pc.path("value").asInt(0);
            policy = policyOf(pc);
        }
        if (spec.has("priority") && !spec.get("priority").isNull() && spec.get("priority").asInt() != priority) {
            throw AdmissionDenied.forbidden(a, null, "the integer value of priority (" + spec.get("priority").asInt()
                    + ") must not be provided in pod spec; priority admission controller computed " + priority
                    + " from the given PriorityClass name");
        }
        spec.put("priority", priority);
        String given = spec.path("preemptionPolicy").asString("");
        if (!given.isEmpty() && !given.equals(policy)) {
            throw AdmissionDenied.forbidden(a, null, "the string value of PreemptionPolicy (" + given
                    + ") must not be provided in pod spec; priority admission controller computed " + policy
                    + " from the given PriorityClass name");
        }
        spec.put("preemptionPolicy", policy);
    }

    @Override
    public void validate(AdmissionAttributes a, List<String> warnings) {
        if (!a.type().equals(priorityClasses) || !a.subresource().isEmpty()) {
            return;
        }
        if (a.operation() == Operation.DELETE && SystemPriorityClasses.named(a.name()).isPresent()) {
            throw AdmissionDenied.forbidden(a, null, "this is a system priority class and cannot be deleted");
        }
        if ((a.operation() == Operation.CREATE || a.operation() == Operation.UPDATE) && a.object() != null
                && a.object().path("globalDefault").asBoolean(false)) {
            String name = a.object().path("metadata").path("name").asString("");
            for (var item : objects.list(priorityClasses).items()) {
                String other = item.object().path("metadata").path("name").asString("");
                if (!other.equals(name) && item.object().path("globalDefault").asBoolean(false)) {
                    throw AdmissionDenied.forbidden(a, null, "PriorityClass " + other
                            + " is already marked as default. Only one default can exist");
                }
            }
        }
    }

    private static boolean isPods(AdmissionAttributes a) {
        return a.group().isEmpty() && a.resource().equals("pods") && a.subresource().isEmpty();
    }

    /** kube's {@code getDefaultPriority}: of the classes marked globalDefault, the lowest value. */
    private Optional<JsonNode> globalDefault() {
        JsonNode best = null;
        for (var item : objects.list(priorityClasses).items()) {
            JsonNode pc = item.object();
            if (pc.path("globalDefault").asBoolean(false)
                    && (best == null || pc.path("value").asInt(0) < best.path("value").asInt(0))) {
                best = pc;
            }
        }
        return Optional.ofNullable(best);
    }

    private static String policyOf(JsonNode pc) {
        return pc.path("preemptionPolicy").asString("PreemptLowerPriority");
    }
}
