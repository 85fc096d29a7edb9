package io.outpost.apiserver.http;

import java.net.InetAddress;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import io.outpost.apiserver.auth.Authenticator;
import io.outpost.apiserver.auth.Authorizer;

/**
 * What an {@link HttpsServer} serves, and where.
 *
 * @param bindAddress   the address to listen on ({@code 0.0.0.0} or {@code ::} for all)
 * @param port          the port; 0 picks a free one ({@link HttpsServer#port()} says which)
 * @param servingKey    the serving certificate's private key
 * @param servingChain  the serving certificate, then any intermediates
 * @param clientCas     the CAs whose client certificates are asked for (optional at TLS level, so
 *                      that token-only clients connect too)
 * @param authenticator who is asking
 * @param authorizer    whether they may
 * @param handler       what answers (usually a {@link Router})
 * @param maxBodyBytes  a larger request body is answered 413 unread; kube-apiserver's limit is 3 MiB
 */
public record HttpsServerConfig(InetAddress bindAddress, int port, PrivateKey servingKey, List<X509Certificate> servingChain,
                                List<X509Certificate> clientCas, Authenticator authenticator, Authorizer authorizer,
                                ApiHandler handler, int maxBodyBytes) {

    public static final int DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

    public HttpsServerConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(servingKey, "servingKey");
        servingChain = List.copyOf(servingChain);
        clientCas = List.copyOf(clientCas);
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(authorizer, "authorizer");
        Objects.requireNonNull(handler, "handler");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0 to 65535: " + port);
        }
        if (servingChain.isEmpty()) {
            throw new IllegalArgumentException("servingChain is empty");
        }
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive: " + maxBodyBytes);
        }
    }
}
