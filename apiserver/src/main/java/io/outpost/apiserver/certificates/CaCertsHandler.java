package io.outpost.apiserver.certificates;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.outpost.apiserver.http.ApiHandler;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.Statuses;

/**
 * {@code GET /cacerts}: the cluster CA bundle as PEM, to anyone, without credentials (k3s serves
 * the same path). A joining agent cannot verify the server yet, so it fetches this over an
 * unverified connection and compares the SHA-256 of these exact bytes with the hash its join
 * token pins ({@code K10<hash>::...}, see {@link io.outpost.api.JoinToken}); the bytes must
 * therefore never change while the CA does not. Immutable; any request thread.
 */
public final class CaCertsHandler implements ApiHandler {

    public static final String PATH = "/cacerts";

    private final byte[] bundle;

    public CaCertsHandler(String pemBundle) {
        this.bundle = pemBundle.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public ApiResponse handle(ApiRequest request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return Statuses.failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        }
        return new ApiResponse.Full(200, "text/plain; charset=utf-8", Map.of(), bundle);
    }
}
