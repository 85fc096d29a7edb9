package io.outpost.apiserver.serviceaccount;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.outpost.api.Codec;
import io.outpost.api.MalformedBodyException;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.Statuses;
import io.outpost.apiserver.protobuf.BodyFormat;
import io.outpost.apiserver.protobuf.ProtobufBodies;
import io.outpost.apiserver.protobuf.UnreadableBodyException;
import io.outpost.apiserver.registry.SubresourceHandler;
import io.outpost.apiserver.registry.Target;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /api/v1/namespaces/NS/serviceaccounts/NAME/token}: an
 * {@code authentication.k8s.io/v1} TokenRequest in, the same with {@code status.token} and
 * {@code status.expirationTimestamp} out (201), nothing stored; what {@code kubectl create token}
 * and kubelet use. Defaults and validation are kube's: {@code expirationSeconds} defaults to 3600
 * and must be at least 600 (10 minutes) and at most 2^32; audiences default to the API audiences;
 * a name or namespace in the body must match the URL. Minting is {@link BoundTokens}'.
 *
 * <p>Bodies are JSON, YAML or Kubernetes protobuf (kubectl 1.32+ sends protobuf); answers are JSON.
 * Thread model: stateless; any request thread.
 */
public final class TokenRequests implements SubresourceHandler {

    /** The key {@link io.outpost.apiserver.KubernetesApi} serves this handler under. */
    public static final String SUBRESOURCE = "/serviceaccounts/token";
    static final long DEFAULT_SECONDS = 3600;

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Codec CODEC = new Codec();
    private static final String KIND = "TokenRequest";
    private static final String GROUP = "authentication.k8s.io";

    private final BoundTokens tokens;

    public TokenRequests(BoundTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public ApiResponse handle(ApiRequest request, Target target) {
        if (!request.method().equals("POST")) {
            return Statuses.failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        }
        String namespace = target.namespace();
        String name = target.name();
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
        String kind = review.path("kind").asString("");
        if (!kind.isEmpty() && !kind.equals(KIND)) {
            return Statuses.failure(400, "BadRequest", kind + " in version \"" + review.path("apiVersion").asString("")
                    + "\" cannot be handled as a TokenRequest");
        }
        ObjectNode metadata = review.get("metadata") instanceof ObjectNode m ? m : review.putObject("metadata");
        String bodyName = metadata.path("name").asString("");
        String bodyNamespace = metadata.path("namespace").asString("");
        if (!bodyName.isEmpty() && !bodyName.equals(name)) {
            return invalid(name, List.of(new Statuses.Cause("FieldValueInvalid",
                    "Invalid value: \"" + bodyName + "\": must match the service account name if specified", "metadata.name")));
        }
        if (!bodyNamespace.isEmpty() && !bodyNamespace.equals(namespace)) {
            return invalid(name, List.of(new Statuses.Cause("FieldValueInvalid",
                    "Invalid value: \"" + bodyNamespace + "\": must match the service account namespace if specified", "metadata.namespace")));
        }
        ObjectNode spec = review.get("spec") instanceof ObjectNode s ? s : review.putObject("spec");
        JsonNode seconds = spec.path("expirationSeconds");
        long expirationSeconds = seconds.isMissingNode() || seconds.isNull() ? DEFAULT_SECONDS : seconds.asLong(0);
        List<Statuses.Cause> errors = new ArrayList<>();
        if (!seconds.isMissingNode() && !seconds.isNull() && !seconds.isIntegralNumber()) {
            errors.add(new Statuses.Cause("FieldValueInvalid", "Invalid value: " + seconds + ": must be an integer", "spec.expirationSeconds"));
        } else if (expirationSeconds < BoundTokens.MIN_SECONDS) {
            errors.add(new Statuses.Cause("FieldValueInvalid", "Invalid value: " + expirationSeconds
                    + ": may not specify a duration less than 10 minutes", "spec.expirationSeconds"));
        } else if (expirationSeconds > BoundTokens.MAX_SECONDS) {
            errors.add(new Statuses.Cause("FieldValueTooLong", "Too long: may not specify a duration larger than 2^32 seconds",
                    "spec.expirationSeconds"));
        }
        List<String> audiences = new ArrayList<>();
        for (JsonNode a : spec.path("audiences")) {
            audiences.add(a.asString(""));
        }
        Optional<BoundTokens.BoundRef> ref = Optional.empty();
        JsonNode r = spec.path("boundObjectRef");
        if (r.isObject()) {
            ref = Optional.of(new BoundTokens.BoundRef(r.path("apiVersion").asString(""), r.path("kind").asString(""),
                    r.path("name").asString(""), r.path("uid").asString("")));
        }
        if (!errors.isEmpty()) {
            return invalid(name, errors);
        }
        BoundTokens.Spec wanted = new BoundTokens.Spec(audiences, expirationSeconds, ref);
        return switch (tokens.mint(namespace, name, wanted, request.user())) {
            case BoundTokens.Outcome.Refused refused -> refused.status();
            case BoundTokens.Outcome.Minted minted -> {
                review.put("kind", KIND);
                review.put("apiVersion", GROUP + "/v1");
                metadata.put("name", name);
                metadata.put("namespace", namespace);
                metadata.put("creationTimestamp", minted.issuedAt().toString());
                spec.set("audiences", JSON.valueToTree(minted.claims().audiences()));
                spec.put("expirationSeconds", expirationSeconds);
                if (!r.isObject()) {
                    spec.putNull("boundObjectRef");
                }
                ObjectNode status = review.putObject("status");
                status.put("token", minted.token());
                status.put("expirationTimestamp", minted.expirationTimestamp().toString());
                yield ApiResponse.json(201, JSON.writeValueAsBytes(review));
            }
        };
    }

    private static ObjectNode text(byte[] body, Codec.Format format) {
        return CODEC.readTree(body, format).value() instanceof ObjectNode o ? o : null;
    }

    /** kube's {@code TokenRequest.authentication.k8s.io "NAME" is invalid: FIELD: MESSAGE}. */
    private static ApiResponse invalid(String name, List<Statuses.Cause> causes) {
        StringBuilder message = new StringBuilder(KIND + "." + GROUP + " \"" + name + "\" is invalid: ");
        for (int i = 0; i < causes.size(); i++) {
            message.append(i == 0 ? "" : ", ").append(causes.get(i).field()).append(": ").append(causes.get(i).message());
        }
        return Statuses.failure(422, "Invalid", message.toString(), new Statuses.Details(name, GROUP, KIND, causes));
    }
}
