/**
 * The admission chain: {@link io.outpost.apiserver.admission.MutatingPlugin}s, then
 * {@link io.outpost.apiserver.admission.ValidatingPlugin}s, run by
 * {@link io.outpost.apiserver.admission.AdmissionChain} on
 * {@link io.outpost.apiserver.admission.AdmissionAttributes}. The registry calls it at
 * kube-apiserver's points (mutating after decoding and defaulting, validating after the kind's
 * validation, before the store write); a refusal is an
 * {@link io.outpost.apiserver.admission.AdmissionDenied}, answered as its Status, and plugin
 * warnings reach the client as {@code Warning: 299} headers. Plugins read current objects only
 * through {@link io.outpost.apiserver.admission.ObjectSource} (the registry's watch caches).
 *
 * <p>Built-in plugins: {@code policy.ValidatingAdmissionPolicyPlugin}.
 *
 * <p>The scale subresource and pods/binding get validating admission only (the Scale and the
 * Binding as the object).
 *
 * <p>A refusal carries the warnings gathered before it. Not done yet: admission on namespace
 * deletion; warnings on a DELETE and on pods/binding are not sent.
 */
package io.outpost.apiserver.admission;
