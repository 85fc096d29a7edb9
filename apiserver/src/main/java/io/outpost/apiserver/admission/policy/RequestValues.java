package io.outpost.apiserver.admission.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.outpost.apiserver.admission.AdmissionAttributes;
import io.outpost.apiserver.cel.CelValues;
import dev.cel.common.values.NullValue;

/**
 * The {@code request} variable: kube's {@code admissionv1.AdmissionRequest} as CEL values (kind,
 * resource, subResource, requestKind, requestResource, name, namespace, operation, userInfo,
 * dryRun, options).
 */
final class RequestValues {

    private RequestValues() {
    }

    static Map<String, Object> of(AdmissionAttributes a) {
        Map<String, Object> kind = Map.of("group", a.group(), "version", a.type().kind().version(),
                "kind", a.type().kind().kind());
        Map<String, Object> resource = Map.of("group", a.group(), "version", a.type().kind().version(),
                "resource", a.resource());
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("username", a.user().name());
        user.put("groups", List.copyOf(a.user().groups()));
        if (!a.user().uid().isEmpty()) {
            user.put("uid", a.user().uid());
        }
        if (!a.user().extra().isEmpty()) {
            user.put("extra", Map.copyOf(a.user().extra()));
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("kind", kind);
        request.put("resource", resource);
        request.put("subResource", a.subresource());
        request.put("requestKind", kind);
        request.put("requestResource", resource);
        if (!a.subresource().isEmpty()) {
            request.put("requestSubResource", a.subresource());
        }
        request.put("name", a.name());
        request.put("namespace", a.namespace());
        request.put("operation", a.operation().name());
        request.put("userInfo", user);
        request.put("dryRun", a.dryRun());
        request.put("options", a.options() == null ? NullValue.NULL_VALUE : CelValues.fromJson(a.options()));
        return request;
    }
}
