package io.outpost.apiserver.serviceaccount;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.jwk.JWKSet;

import io.outpost.apiserver.http.ApiHandler;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.Router;
import io.outpost.apiserver.http.Statuses;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Service-account issuer discovery (kube's {@code pkg/serviceaccount/openidmetadata.go}): the
 * OpenID provider configuration at {@code /.well-known/openid-configuration} and the public keys
 * at {@code /openid/v1/jwks}, so that another party can verify our tokens. As in kube, who may
 * read them is the authorizer's business (kube's {@code system:service-account-issuer-discovery}
 * role, bound to every service account).
 *
 * <p>Thread model: immutable; any request thread.
 */
public final class OidcDiscovery implements ApiHandler {

    public static final String CONFIGURATION = "/.well-known/openid-configuration";
    public static final String JWKS = "/openid/v1/jwks";

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** kube lets caches keep both documents for an hour. */
    private static final Map<String, String> CACHE = Map.of("Cache-Control", "public, max-age=3600");

    private final byte[] configuration;
    private final byte[] keys;

    public OidcDiscovery(TokenIssuer issuer) {
        ObjectNode config = JSON.createObjectNode();
        config.put("issuer", issuer.issuer());
        // kube derives the JWKS URI from the issuer when --service-account-jwks-uri is not given.
        config.put("jwks_uri", issuer.issuer().replaceAll("/+$", "") + JWKS);
        config.set("response_types_supported", JSON.valueToTree(List.of("id_token")));
        config.set("subject_types_supported", JSON.valueToTree(List.of("public")));
        config.set("id_token_signing_alg_values_supported", JSON.valueToTree(List.of("ES256")));
        this.configuration = JSON.writeValueAsBytes(config);
        this.keys = new JWKSet(issuer.key().publicJwk()).toString(true).getBytes(StandardCharsets.UTF_8);
    }

    public void mountOn(Router.Builder router) {
        router.exact(CONFIGURATION, this);
        router.exact(JWKS, this);
    }

    @Override
    public ApiResponse handle(ApiRequest request) {
        if (!request.method().equals("GET")) {
            return Statuses.failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        }
        return request.path().equals(JWKS) ? new ApiResponse.Full(200, "application/jwk-set+json", CACHE, keys)
                : new ApiResponse.Full(200, "application/json", CACHE, configuration);
    }
}
