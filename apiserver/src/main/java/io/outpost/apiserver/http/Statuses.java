package io.outpost.apiserver.http;

import java.util.List;
import java.util.Map;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code metav1.Status} answers, as kube-apiserver writes them. kubectl relies on {@code reason}
 * and {@code code} (apply treats 404 as "create", delete --wait treats 404 as "gone"), and prints
 * {@code Error from server (<reason>): <message>}.
 */
public final class Statuses {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** One cause of an Invalid or BadRequest status, with the field path it concerns. */
    public record Cause(String reason, String message, String field) {
    }

    /**
     * What a failure concerns: {@code kind} is the resource's plural as kube-apiserver fills it
     * ({@code configmaps}); any part may be null.
     */
    public record Details(String name, String group, String kind, List<Cause> causes) {
        public static final Details NONE = new Details(null, null, null, List.of());

        public Details {
            causes = causes == null ? List.of() : List.copyOf(causes);
        }
    }

    private Statuses() {
    }

    public static ApiResponse.Full failure(int code, String reason, String message) {
        return failure(code, reason, message, Details.NONE);
    }

    public static ApiResponse.Full failure(int code, String reason, String message, Details details) {
        return new ApiResponse.Full(code, "application/json", Map.of(), JSON.writeValueAsBytes(status(code, reason, message, details)));
    }

    /** {@code configmaps "x" not found}. */
    public static ApiResponse.Full notFound(String group, String resource, String name) {
        String what = group == null || group.isEmpty() ? resource : resource + "." + group;
        return failure(404, "NotFound", what + " \"" + name + "\" not found", new Details(name, group, resource, List.of()));
    }

    public static ApiResponse.Full unauthorized() {
        return failure(401, "Unauthorized", "Unauthorized");
    }

    /** The Status object itself, for ERROR watch events and exec's error channel. */
    public static ObjectNode status(int code, String reason, String message, Details details) {
        ObjectNode status = JSON.createObjectNode();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Failure");
        status.put("message", message);
        status.put("reason", reason);
        ObjectNode d = status.putObject("details");
        if (details.name() != null) {
            d.put("name", details.name());
        }
        if (details.group() != null) {
            d.put("group", details.group());
        }
        if (details.kind() != null) {
            d.put("kind", details.kind());
        }
        if (!details.causes().isEmpty()) {
            ArrayNode causes = d.putArray("causes");
            for (Cause c : details.causes()) {
                ObjectNode cause = causes.addObject();
                if (c.reason() != null) {
                    cause.put("reason", c.reason());
                }
                cause.put("message", c.message());
                if (c.field() != null) {
                    cause.put("field", c.field());
                }
            }
        }
        if (d.isEmpty()) {
            status.remove("details");
        }
        status.put("code", code);
        return status;
    }
}
