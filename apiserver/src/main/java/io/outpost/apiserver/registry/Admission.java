package io.outpost.apiserver.registry;

import java.util.List;

import io.outpost.apiserver.admission.AdmissionAttributes;
import io.outpost.apiserver.admission.AdmissionChain;
import io.outpost.apiserver.admission.AdmissionDenied;
import io.outpost.apiserver.admission.Operation;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.Statuses;
import tools.jackson.databind.node.ObjectNode;

/**
 * The registry's calls into the {@link AdmissionChain}, at kube-apiserver's points: mutating
 * admission once the body is decoded and defaulted, validating admission after the kind's own
 * validation and just before the store write (inside a guaranteed update, so it sees the object
 * being replaced, and runs again if the update retries). A refusal becomes the failure Status,
 * and nothing is stored; warnings join the response's {@code Warning} headers.
 *
 * <p>Thread model: immutable; shared by every request thread.
 */
final class Admission {

    private final AdmissionChain chain;

    Admission(AdmissionChain chain) {
        this.chain = chain;
    }

    /** Runs the mutating plugins on {@code object} (changed in place). */
    void mutate(Operation operation, ApiRequest request, Target target, String name, ObjectNode object,
                ObjectNode oldObject, boolean dryRun, String optionsKind, List<String> warnings) {
        AdmissionAttributes attributes = attributes(operation, request, target, name, object, oldObject, dryRun, optionsKind);
        run(() -> chain.admit(attributes, warnings), warnings);
    }

    /** Runs the validating plugins. */
    void validate(Operation operation, ApiRequest request, Target target, String name, ObjectNode object,
                  ObjectNode oldObject, boolean dryRun, String optionsKind, List<String> warnings) {
        AdmissionAttributes attributes = attributes(operation, request, target, name, object, oldObject, dryRun, optionsKind);
        run(() -> chain.validate(attributes, warnings), warnings);
    }

    private static AdmissionAttributes attributes(Operation operation, ApiRequest request, Target target, String name,
                                                  ObjectNode object, ObjectNode oldObject, boolean dryRun, String optionsKind) {
        ObjectNode options = Responses.JSON.createObjectNode();
        options.put("kind", optionsKind).put("apiVersion", "meta.k8s.io/v1");
        if (dryRun) {
            options.putArray("dryRun").add("All");
        }
        request.param("fieldValidation").ifPresent(v -> options.put("fieldValidation", v));
        String namespace = target.type().namespaced()
                ? (target.namespace() != null ? target.namespace()
                        : object != null ? ObjectMeta.namespace(object) : oldObject != null ? ObjectMeta.namespace(oldObject) : "")
                : "";
        return new AdmissionAttributes(operation, target.type(), target.subresource(), namespace, name,
                object, oldObject, request.user(), dryRun, options);
    }

    /** A refusal carries the warnings gathered so far: kube sends them with the failure. */
    private static void run(Runnable plugins, List<String> warnings) {
        try {
            plugins.run();
        } catch (AdmissionDenied e) {
            List<Statuses.Cause> causes = e.causes().stream().map(m -> new Statuses.Cause(null, m, null)).toList();
            throw new ApiException(e.code(), e.reason(), e.getMessage(),
                    new Statuses.Details(e.name(), e.group(), e.kind(), causes), warnings);
        }
    }
}
