package io.outpost.apiserver.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The opaque {@code continue} token of a paged list, in kube-apiserver's own format
 * ({@code storage.EncodeContinue}): unpadded URL-safe base64 of
 * {@code {"v":"meta.k8s.io/v1","rv":<revision>,"start":"<next key, relative to the prefix>"}}.
 * Every page of a list is read at the first page's revision, so the pages form one snapshot.
 */
final class ContinueTokens {

    private static final String VERSION = "meta.k8s.io/v1";

    /** A decoded token: read from {@code startKey} (absolute) at {@code revision}. */
    record Position(long revision, String startKey) {
    }

    private ContinueTokens() {
    }

    static String encode(long revision, String nextKey, String prefix) {
        ObjectNode token = Responses.JSON.createObjectNode();
        token.put("v", VERSION);
        token.put("rv", revision);
        token.put("start", nextKey.substring(prefix.length()));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Responses.JSON.writeValueAsBytes(token));
    }

    /** @throws ApiException 400 BadRequest if the token is not one of ours */
    static Position decode(String token, String prefix) {
        JsonNode node;
        try {
            node = Responses.JSON.readTree(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | JacksonException e) {
            throw invalid("it is not a token this server issued");
        }
        if (!VERSION.equals(node.path("v").asString(""))) {
            throw invalid("its version is not " + VERSION);
        }
        long rv = node.path("rv").asLong(0);
        String start = node.path("start").asString("");
        if (rv <= 0 || start.isEmpty() || start.contains("/..") || start.startsWith("..")) {
            throw invalid("its resource version or start key is malformed");
        }
        return new Position(rv, prefix + start);
    }

    private static ApiException invalid(String why) {
        return ApiException.badRequest("continue key is not valid: " + why + "; start a new list without the continue parameter");
    }
}
