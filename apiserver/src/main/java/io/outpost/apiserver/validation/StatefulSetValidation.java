package io.outpost.apiserver.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * StatefulSets, as kube's apps/v1 {@code SetDefaults_StatefulSet} and {@code ValidateStatefulSet}
 * (1.33):
 * <ul>
 *   <li>defaults: one replica, podManagementPolicy OrderedReady, a RollingUpdate at partition 0,
 *       ten old revisions, PVCs retained when the set is deleted or scaled;</li>
 *   <li>{@code serviceName} is optional (kubernetes#130233) but, when set, must be a DNS label:
 *       it becomes each pod's {@code subdomain};</li>
 *   <li>on update only replicas, ordinals, template, updateStrategy, revisionHistoryLimit,
 *       persistentVolumeClaimRetentionPolicy and minReadySeconds may change.</li>
 * </ul>
 */
final class StatefulSetValidation implements KindStrategy {

    static final String UPDATE_FORBIDDEN = "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
            + "'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";
    private static final Set<String> MUTABLE = Set.of("replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit",
            "persistentVolumeClaimRetentionPolicy", "minReadySeconds");

    @Override
    public void applyDefaults(ObjectNode statefulSet) {
        ObjectNode spec = Trees.object(statefulSet, "spec");
        Trees.defaultLong(spec, "replicas", 1);
        Trees.defaultText(spec, "podManagementPolicy", "OrderedReady");
        ObjectNode strategy = Trees.object(spec, "updateStrategy");
        Trees.defaultText(strategy, "type", "RollingUpdate");
        if (Trees.text(strategy, "type").equals("RollingUpdate")) {
            Trees.defaultLong(Trees.object(strategy, "rollingUpdate"), "partition", 0);
        }
        Trees.defaultLong(spec, "revisionHistoryLimit", 10);
        ObjectNode retention = Trees.object(spec, "persistentVolumeClaimRetentionPolicy");
        Trees.defaultText(retention, "whenDeleted", "Retain");
        Trees.defaultText(retention, "whenScaled", "Retain");
        Workloads.defaultTemplate(spec);
    }

    @Override
    public List<FieldError> validate(ObjectNode statefulSet) {
        JsonNode spec = statefulSet.path("spec");
        List<FieldError> errs = new ArrayList<>(Workloads.validateSpec(spec, "statefulset", true));
        String serviceName = Trees.text(spec, "serviceName");
        if (!serviceName.isEmpty()) {
            Names.dns1123Label(serviceName).forEach(m -> errs.add(FieldError.invalid("spec.serviceName", serviceName, m)));
        }
        String policy = Trees.text(spec, "podManagementPolicy");
        if (policy.isEmpty()) {
            errs.add(FieldError.required("spec.podManagementPolicy", ""));
        } else if (!policy.equals("OrderedReady") && !policy.equals("Parallel")) {
            errs.add(FieldError.invalid("spec.podManagementPolicy", policy, "must be 'OrderedReady' or 'Parallel'"));
        }
        updateStrategy(spec.path("updateStrategy"), errs);
        Workloads.nonNegative(spec, "revisionHistoryLimit", "spec.", errs);
        Workloads.nonNegative(spec, "minReadySeconds", "spec.", errs);
        return errs;
    }

    private static void updateStrategy(JsonNode strategy, List<FieldError> errs) {
        String type = Trees.text(strategy, "type");
        String path = "spec.updateStrategy";
        switch (type) {
            case "OnDelete" -> {
                if (!Trees.absent(strategy, "rollingUpdate")) {
                    errs.add(FieldError.invalid(path + ".rollingUpdate", strategy.get("rollingUpdate"), "only allowed for updateStrategy 'RollingUpdate'"));
                }
            }
            case "RollingUpdate" -> Workloads.nonNegative(strategy.path("rollingUpdate"), "partition", path + ".rollingUpdate.", errs);
            case "" -> errs.add(FieldError.required(path, "must be 'RollingUpdate' or 'OnDelete'"));
            default -> errs.add(FieldError.invalid(path, strategy, "must be 'RollingUpdate' or 'OnDelete'"));
        }
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode statefulSet, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>(validate(statefulSet));
        ObjectNode now = statefulSet.path("spec") instanceof ObjectNode o ? o.deepCopy() : Trees.object(statefulSet.deepCopy(), "spec");
        ObjectNode was = old.path("spec") instanceof ObjectNode o ? o.deepCopy() : Trees.object(old.deepCopy(), "spec");
        MUTABLE.forEach(now::remove);
        MUTABLE.forEach(was::remove);
        if (!now.equals(was)) {
            errs.add(FieldError.forbidden("spec", UPDATE_FORBIDDEN));
        }
        return errs;
    }
}
