package io.outpost.apiserver.auth;

import java.util.List;

import io.outpost.api.Codec;
import io.outpost.api.MalformedBodyException;
import io.outpost.apiserver.http.ApiHandler;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.Router;
import io.outpost.apiserver.http.Statuses;
import io.outpost.apiserver.http.UserInfo;
import io.outpost.apiserver.protobuf.BodyFormat;
import io.outpost.apiserver.protobuf.ProtobufBodies;
import io.outpost.apiserver.protobuf.UnreadableBodyException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The reviews a user makes about itself, answered through the {@link Authorizer}, as
 * {@code kubectl auth can-i} and {@code kubectl auth whoami} use them:
 * <ul>
 * <li>{@code POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews}: may I do this?
 * <li>{@code POST /apis/authorization.k8s.io/v1/selfsubjectrulesreviews}: what may I do in this namespace?
 * <li>{@code POST /apis/authentication.k8s.io/v1/selfsubjectreviews} (and v1beta1, which kubectl
 *     1.27 asks for): who am I?
 * </ul>
 * Like kube-apiserver, each answer is the request object with its {@code status} filled in; nothing
 * is stored. Bodies are JSON, YAML or Kubernetes protobuf (kubectl 1.32+ sends protobuf); answers
 * are JSON, which every kubectl accepts. Stateless and thread-safe.
 */
public final class SelfSubjectReviews implements ApiHandler {

    static final String ACCESS = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
    static final String RULES = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
    static final String WHOAMI = "/apis/authentication.k8s.io/v1/selfsubjectreviews";
    static final String WHOAMI_BETA = "/apis/authentication.k8s.io/v1beta1/selfsubjectreviews";

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Codec CODEC = new Codec();

    private final Authorizer authorizer;

    public SelfSubjectReviews(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    public void mountOn(Router.Builder router) {
        for (String path : List.of(ACCESS, RULES, WHOAMI, WHOAMI_BETA)) {
            router.exact(path, this);
        }
    }

    @Override
    public ApiResponse handle(ApiRequest request) {
        if (!request.method().equals("POST")) {
            return Statuses.failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        }
        ObjectNode review;
        try {
            review = switch (BodyFormat.of(request.header("content-type"))) {
                case PROTOBUF -> ProtobufBodies.toJson(request.body()).object();
                case JSON -> text(request.body(), Codec.Format.JSON);
                case YAML -> text(request.body(), Codec.Format.YAML);
            };
        } catch (UnreadableBodyException e) {
            return Statuses.failure(e.code(), e.reason(), e.getMessage());
        } catch (MalformedBodyException e) {
            return Statuses.failure(400, "BadRequest", "the request body is not valid JSON: " + e.getMessage());
        }
        if (review == null) {
            return Statuses.failure(400, "BadRequest", "the request body is not a JSON object");
        }
        review.remove("status");
        ObjectNode metadata = review.has("metadata") && review.get("metadata").isObject()
                ? (ObjectNode) review.get("metadata") : review.putObject("metadata");
        metadata.putNull("creationTimestamp");
        return switch (request.path()) {
            case ACCESS -> access(review, request.user());
            case RULES -> rules(review, request.user());
            default -> whoami(review, request.user(), request.path().equals(WHOAMI_BETA) ? "v1beta1" : "v1");
        };
    }

    /** A JSON or YAML body as an object, or null if it is another JSON value. */
    private static ObjectNode text(byte[] body, Codec.Format format) {
        return CODEC.readTree(body, format).value() instanceof ObjectNode o ? o : null;
    }

    private ApiResponse access(ObjectNode review, UserInfo user) {
        JsonNode spec = review.path("spec");
        JsonNode res = spec.path("resourceAttributes");
        JsonNode nonRes = spec.path("nonResourceAttributes");
        Attributes attributes;
        if (res.isObject()) {
            // kube 1.31+ reviews may carry the field selector (the node authorizer decides on it).
            attributes = Attributes.resource(user, text(res, "verb"), text(res, "group"), text(res, "resource"),
                    text(res, "subresource"), text(res, "namespace"), text(res, "name"))
                    .withFieldSelector(text(res.path("fieldSelector"), "rawSelector"));
        } else if (nonRes.isObject()) {
            attributes = Attributes.nonResource(user, text(nonRes, "verb"), text(nonRes, "path"));
        } else {
            return invalid("SelfSubjectAccessReview", "spec.resourceAttributes", "exactly one of nonResourceAttributes or resourceAttributes must be specified");
        }
        Decision decision = authorizer.authorize(attributes);
        ObjectNode status = review.putObject("status");
        status.put("allowed", decision.allowed());
        if (decision.kind() == Decision.Kind.DENY) {
            status.put("denied", true);
        }
        if (!decision.reason().isEmpty()) {
            status.put("reason", decision.reason());
        }
        return created(review, "authorization.k8s.io/v1", "SelfSubjectAccessReview");
    }

    private ApiResponse rules(ObjectNode review, UserInfo user) {
        String namespace = text(review.path("spec"), "namespace");
        Rules rules = authorizer.rulesFor(user, namespace);
        ObjectNode status = review.putObject("status");
        ArrayNode resourceRules = status.putArray("resourceRules");
        for (Rules.ResourceRule r : rules.resourceRules()) {
            ObjectNode rule = resourceRules.addObject();
            rule.set("verbs", JSON.valueToTree(r.verbs()));
            rule.set("apiGroups", JSON.valueToTree(r.apiGroups()));
            rule.set("resources", JSON.valueToTree(r.resources()));
            if (!r.resourceNames().isEmpty()) {
                rule.set("resourceNames", JSON.valueToTree(r.resourceNames()));
            }
        }
        ArrayNode nonResourceRules = status.putArray("nonResourceRules");
        for (Rules.NonResourceRule r : rules.nonResourceRules()) {
            ObjectNode rule = nonResourceRules.addObject();
            rule.set("verbs", JSON.valueToTree(r.verbs()));
            rule.set("nonResourceURLs", JSON.valueToTree(r.nonResourceURLs()));
        }
        status.put("incomplete", rules.incomplete());
        return created(review, "authorization.k8s.io/v1", "SelfSubjectRulesReview");
    }

    private static ApiResponse whoami(ObjectNode review, UserInfo user, String version) {
        ObjectNode userInfo = review.putObject("status").putObject("userInfo");
        userInfo.put("username", user.name());
        if (!user.uid().isEmpty()) {
            userInfo.put("uid", user.uid());
        }
        userInfo.set("groups", JSON.valueToTree(user.groups()));
        if (!user.extra().isEmpty()) {
            userInfo.set("extra", JSON.valueToTree(user.extra()));
        }
        return created(review, "authentication.k8s.io/" + version, "SelfSubjectReview");
    }

    private static ApiResponse created(ObjectNode review, String apiVersion, String kind) {
        review.put("kind", kind);
        review.put("apiVersion", apiVersion);
        return ApiResponse.json(201, JSON.writeValueAsBytes(review));
    }

    private static ApiResponse invalid(String kind, String field, String message) {
        return Statuses.failure(422, "Invalid", kind + ".authorization.k8s.io \"\" is invalid: " + field + ": Invalid value: " + message,
                new Statuses.Details(null, "authorization.k8s.io", kind, List.of(new Statuses.Cause("FieldValueInvalid", message, field))));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isString() ? v.asString() : "";
    }
}
