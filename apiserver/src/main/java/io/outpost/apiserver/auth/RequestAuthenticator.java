package io.outpost.apiserver.auth;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.outpost.apiserver.http.UserInfo;

/**
 * The server's authenticator: a client certificate first, then a bearer token, as kube-apiserver's
 * union of authenticators orders them. Presenting no credential is {@code Anonymous}; presenting
 * only invalid ones is {@code Rejected} (kube's anonymous fallback never covers a bad credential).
 */
public final class RequestAuthenticator implements Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(RequestAuthenticator.class);

    private final X509Authenticator certificates;
    private final java.util.List<TokenAuthenticator> tokens;

    public RequestAuthenticator(X509Authenticator certificates, TokenFile tokens) {
        this(certificates, java.util.List.of(tokens));
    }

    /** Bearer tokens are tried with each of {@code tokens} in order; the first that knows one decides. */
    public RequestAuthenticator(X509Authenticator certificates, java.util.List<TokenAuthenticator> tokens) {
        this.certificates = certificates;
        this.tokens = java.util.List.copyOf(tokens);
    }

    @Override
    public Authentication authenticate(Credentials credentials) {
        if (credentials.isEmpty()) {
            return new Authentication.Anonymous();
        }
        StringBuilder why = new StringBuilder();
        if (!credentials.clientChain().isEmpty()) {
            Optional<UserInfo> user = certificates.authenticate(credentials.clientChain().getFirst(), why);
            if (user.isPresent()) {
                return new Authentication.Authenticated(user.get());
            }
        }
        if (credentials.bearerToken().isPresent()) {
            for (TokenAuthenticator t : tokens) {
                Optional<UserInfo> user = t.user(credentials.bearerToken().get());
                if (user.isPresent()) {
                    return new Authentication.Authenticated(user.get());
                }
            }
            why.append(why.isEmpty() ? "" : "; ").append("invalid bearer token");
        }
        LOG.debug("unauthorized: {}", why);
        return new Authentication.Rejected(why.toString());
    }
}
