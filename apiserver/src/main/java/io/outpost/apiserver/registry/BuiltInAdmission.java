package io.outpost.apiserver.registry;

import java.util.List;
import java.util.Optional;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.admission.AdmissionChain;
import io.outpost.apiserver.admission.NodeRestriction;
import io.outpost.apiserver.admission.ObjectSource;
import io.outpost.apiserver.admission.policy.ValidatingAdmissionPolicyPlugin;
import io.outpost.apiserver.admission.priority.PriorityAdmission;
import io.outpost.apiserver.certificates.CsrAdmission;
import io.outpost.apiserver.serviceaccount.ServiceAccountAdmission;

/**
 * The admission plugins every registry runs, in kube-apiserver's order, listed in this one place:
 * ServiceAccount (when a service-account controller runs: {@link RegistryConfig#serviceAccounts}), Priority (when PriorityClasses are served), the CertificateSigningRequest strategies' user and
 * status rules ({@link CsrAdmission}), NodeRestriction (a node writes only its own Node and
 * Lease), then ValidatingAdmissionPolicy (when its resources are served).
 */
final class BuiltInAdmission {

    private static final String GROUP = "admissionregistration.k8s.io";

    private BuiltInAdmission() {
    }

    static AdmissionChain chain(ObjectSource objects, RegistryConfig config) {
        List<ResourceType> types = config.types();
        AdmissionChain chain = AdmissionChain.EMPTY;
        Optional<ResourceType> serviceAccounts = find(types, "", "ServiceAccount");
        if (config.serviceAccounts() && serviceAccounts.isPresent()) {
            // kube orders ServiceAccount before Priority and NodeRestriction.
            chain = chain.withMutating(new ServiceAccountAdmission(objects, serviceAccounts.get(), config.random(),
                    java.time.Duration.ofMillis(100)));
        }
        Optional<ResourceType> priorityClasses = find(types, "scheduling.k8s.io", "PriorityClass");
        if (priorityClasses.isPresent()) {
            PriorityAdmission priority = new PriorityAdmission(objects, priorityClasses.get());
            chain = chain.withMutating(priority).withValidating(priority);
        }
        if (find(types, "certificates.k8s.io", "CertificateSigningRequest").isPresent()) {
            chain = chain.withMutating(new CsrAdmission());
        }
        chain = chain.withValidating(new NodeRestriction());
        Optional<ResourceType> policies = find(types, GROUP, "ValidatingAdmissionPolicy");
        Optional<ResourceType> bindings = find(types, GROUP, "ValidatingAdmissionPolicyBinding");
        Optional<ResourceType> namespaces = find(types, "", "Namespace");
        if (policies.isPresent() && bindings.isPresent() && namespaces.isPresent()) {
            chain = chain.withValidating(new ValidatingAdmissionPolicyPlugin(objects, policies.get(), bindings.get(),
                    namespaces.get()));
        }
        return chain;
    }

    private static Optional<ResourceType> find(List<ResourceType> types, String group, String kind) {
        return types.stream().filter(t -> t.kind().group().equals(group) && t.kind().kind().equals(kind)).findFirst();
    }
}
