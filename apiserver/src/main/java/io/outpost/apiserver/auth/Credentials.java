package io.outpost.apiserver.auth;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * What a request presented to prove who it is.
 *
 * @param clientChain the TLS client certificate chain, leaf first; empty if none was presented
 * @param bearerToken the token of an {@code Authorization: Bearer} header
 */
public record Credentials(List<X509Certificate> clientChain, Optional<String> bearerToken) {

    public static final Credentials NONE = new Credentials(List.of(), Optional.empty());

    public Credentials {
        clientChain = List.copyOf(clientChain);
    }

    /** The token of an {@code Authorization} header value, if it is {@code Bearer <token>} (scheme in any case). */
    public static Optional<String> bearer(String authorizationHeader) {
        if (authorizationHeader == null) {
            return Optional.empty();
        }
        String h = authorizationHeader.strip();
        if (h.length() > 7 && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = h.substring(7).strip();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        }
        return Optional.empty();
    }

    public boolean isEmpty() {
        return clientChain.isEmpty() && bearerToken.isEmpty();
    }
}
