package io.outpost.apiserver.registry;

import io.outpost.apiserver.protobuf.UnreadableBodyException;
import java.util.List;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.Statuses;
import io.outpost.apiserver.validation.FieldError;

/**
 * A request the registry answers with a failure {@code Status}. Thrown anywhere below the
 * {@link Registry}'s verbs and turned into the response once, at its top. The factories write
 * kube-apiserver's reasons and messages ({@code k8s.io/apimachinery/pkg/api/errors}).
 */
final class ApiException extends RuntimeException {

    private final int code;
    private final String reason;
    private final Statuses.Details details;
    private final List<String> warnings;

    ApiException(int code, String reason, String message, Statuses.Details details) {
        this(code, reason, message, details, List.of());
    }

    /** @param warnings sent as {@code Warning} headers with the failure (an admission refusal's, as kube does) */
    ApiException(int code, String reason, String message, Statuses.Details details, List<String> warnings) {
        super(message, null, false, false);
        this.code = code;
        this.reason = reason;
        this.details = details;
        this.warnings = List.copyOf(warnings);
    }

    int code() {
        return code;
    }

    String reason() {
        return reason;
    }

    /**
     * This failure said of {@code view} rather than of {@code storage}, the resource whose verbs
     * served a view's request ({@link ViewVerbs}): {@code events "x" not found} becomes
     * {@code events.events.k8s.io "x" not found}, as kube writes it for the resource asked for.
     */
    ApiException about(ResourceType storage, ResourceType view) {
        String message = getMessage();
        String kind = storage.kind().kind();
        String viewKind = kind + "." + view.kind().group();
        for (String[] swap : new String[][] {{qualified(storage) + " \"", qualified(view) + " \""},
                {kind + " \"", viewKind + " \""}}) {
            int at = message.indexOf(swap[0]);
            if (at == 0 || at > 0 && message.startsWith("Operation cannot be fulfilled on ")) {
                message = message.substring(0, at) + swap[1] + message.substring(at + swap[0].length());
                break;
            }
        }
        Statuses.Details d = details == null || details == Statuses.Details.NONE ? details
                : new Statuses.Details(details.name(), view.kind().group(), details.kind(), details.causes());
        return new ApiException(code, reason, message, d, warnings);
    }

    ApiResponse.Full response() {
        return Responses.withWarnings(Statuses.failure(code, reason, getMessage(), details), warnings);
    }

    /** The Status object, for an ERROR watch event. */
    tools.jackson.databind.node.ObjectNode status() {
        return Statuses.status(code, reason, getMessage(), details);
    }

    /** {@code pods} in the core group, {@code deployments.apps} elsewhere, as kube's messages write a resource. */
    static String qualified(ResourceType type) {
        String group = type.kind().group();
        return group.isEmpty() ? type.plural() : type.plural() + "." + group;
    }

    private static Statuses.Details details(ResourceType type, String name) {
        String group = type.kind().group();
        return new Statuses.Details(name, group.isEmpty() ? null : group, type.plural(), List.of());
    }

    static ApiException notFound(ResourceType type, String name) {
        return new ApiException(404, "NotFound", qualified(type) + " \"" + name + "\" not found", details(type, name));
    }

    static ApiException alreadyExists(ResourceType type, String name) {
        return new ApiException(409, "AlreadyExists", qualified(type) + " \"" + name + "\" already exists", details(type, name));
    }

    /** kube's {@code NewConflict}: {@code Operation cannot be fulfilled on pods "x": <why>}. */
    static ApiException conflict(ResourceType type, String name, String why) {
        return new ApiException(409, "Conflict", "Operation cannot be fulfilled on " + qualified(type) + " \"" + name + "\": " + why,
                details(type, name));
    }

    static ApiException modified(ResourceType type, String name) {
        return conflict(type, name, "the object has been modified; please apply your changes to the latest version and try again");
    }

    /** kube's {@code NewForbidden}: {@code pods "x" is forbidden: <why>}. */
    static ApiException forbidden(ResourceType type, String name, String why) {
        return new ApiException(403, "Forbidden", qualified(type) + " \"" + name + "\" is forbidden: " + why, details(type, name));
    }

    /** A body in a media type or protobuf kind the server does not read (415), or malformed (400). */
    /**
     * kube's NamespaceLifecycle refusal: 403 with a {@code NamespaceTerminating} cause, by which
     * controllers (the ServiceAccount controller) tell it from a denial worth retrying.
     */
    static ApiException namespaceTerminating(ResourceType type, String name, String namespace) {
        String why = "unable to create new content in namespace " + namespace + " because it is being terminated";
        String group = type.kind().group();
        return new ApiException(403, "Forbidden", qualified(type) + " \"" + name + "\" is forbidden: " + why,
                new Statuses.Details(name, group.isEmpty() ? null : group, type.plural(),
                        List.of(new Statuses.Cause("NamespaceTerminating", why, "metadata.namespace"))));
    }

    static ApiException unreadable(UnreadableBodyException e) {
        return new ApiException(e.code(), e.reason(), e.getMessage(), Statuses.Details.NONE);
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, "BadRequest", message, Statuses.Details.NONE);
    }

    /** kube's {@code NewInvalid} with one cause. */
    static ApiException invalid(ResourceType type, String name, String field, String problem) {
        return invalidCauses(type, name, List.of(new Statuses.Cause("FieldValueInvalid", problem, field)));
    }

    /** kube's {@code NewInvalid}: {@code Deployment.apps "x" is invalid: [a: ..., b: ...]}, one cause per error. */
    static ApiException invalid(ResourceType type, String name, List<FieldError> errors) {
        return invalidCauses(type, name, errors.stream().map(e -> new Statuses.Cause(e.type().reason, e.body(), e.field())).toList());
    }

    private static ApiException invalidCauses(ResourceType type, String name, List<Statuses.Cause> causes) {
        String group = type.kind().group();
        List<String> messages = causes.stream().map(c -> c.field() + ": " + c.message()).distinct().toList();
        String listed = messages.size() == 1 ? messages.getFirst() : "[" + String.join(", ", messages) + "]";
        String qualifiedKind = group.isEmpty() ? type.kind().kind() : type.kind().kind() + "." + group;
        return new ApiException(422, "Invalid", qualifiedKind + " \"" + (name == null ? "" : name) + "\" is invalid: " + listed,
                new Statuses.Details(name, group.isEmpty() ? null : group, type.kind().kind(), causes));
    }

    /** Throws 422 Invalid if there are errors. */
    static void throwIfInvalid(ResourceType type, String name, List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw invalid(type, name, errors);
        }
    }

    static ApiException expired(String message) {
        return new ApiException(410, "Expired", message, Statuses.Details.NONE);
    }

    static ApiException internal(String message) {
        return new ApiException(500, "InternalError", message, Statuses.Details.NONE);
    }

    static ApiException methodNotAllowed(String what) {
        return new ApiException(405, "MethodNotAllowed", what + " is not supported on this resource", Statuses.Details.NONE);
    }
}
