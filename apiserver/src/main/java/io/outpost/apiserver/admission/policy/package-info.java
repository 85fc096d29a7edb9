/**
 * ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1): the strategies of policies and
 * bindings ({@link io.outpost.apiserver.admission.policy.PolicyValidation},
 * {@link io.outpost.apiserver.admission.policy.BindingValidation}: defaults, and validation in which
 * every CEL expression must compile), and the admission plugin that evaluates them
 * ({@link io.outpost.apiserver.admission.policy.ValidatingAdmissionPolicyPlugin}) over policies
 * kept current from the registry's watch caches ({@code PolicyIndex}).
 *
 * <p>Not done yet: {@code status.typeChecking} (no static types: variables are {@code dyn}), the
 * {@code authorizer} variable, an audit log (Audit actions and audit annotations are logged).
 */
package io.outpost.apiserver.admission.policy;
