package io.outpost.apiserver.validation;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * coordination.k8s.io/v1 Leases, as kube's {@code ValidateLeaseSpec}: a positive duration, a
 * non-negative transition count, a known or qualified strategy, a preferred holder only with a
 * strategy. kube does not check {@code holderIdentity}: any string names a holder (kubelets use
 * the node name, controllers {@code <host>_<uuid>}).
 */
final class LeaseValidation implements KindStrategy {

    static final List<String> STRATEGIES = List.of("OldestEmulationVersion");

    @Override
    public List<FieldError> validate(ObjectNode lease) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode spec = lease.path("spec");
        if (!Trees.absent(spec, "leaseDurationSeconds") && spec.path("leaseDurationSeconds").asLong(0) <= 0) {
            errs.add(FieldError.invalid("spec.leaseDurationSeconds", spec.path("leaseDurationSeconds").asLong(0), "must be greater than 0"));
        }
        if (!Trees.absent(spec, "leaseTransitions") && spec.path("leaseTransitions").asLong(0) < 0) {
            errs.add(FieldError.invalid("spec.leaseTransitions", spec.path("leaseTransitions").asLong(0), "must be greater than or equal to 0"));
        }
        String strategy = Trees.text(spec, "strategy");
        if (!Trees.absent(spec, "strategy")) {
            String[] parts = strategy.split("/", -1);
            if (parts.length == 1 && !STRATEGIES.contains(strategy)) {
                errs.add(FieldError.notSupported("spec.strategy", strategy, STRATEGIES));
            } else if (parts.length == 2) {
                Names.qualifiedName(strategy).forEach(m -> errs.add(FieldError.invalid("spec.strategy", strategy, m)));
            } else if (parts.length > 2) {
                errs.add(FieldError.invalid("spec.strategy", strategy, "must be a qualified name"));
            }
        }
        if (!Trees.text(spec, "preferredHolder").isEmpty() && strategy.isEmpty()) {
            errs.add(FieldError.forbidden("spec.preferredHolder", "may only be specified if `strategy` is defined"));
        }
        return errs;
    }
}
