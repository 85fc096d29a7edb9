package io.outpost.apiserver.auth;

import java.util.Optional;

import io.outpost.apiserver.http.UserInfo;

/**
 * Who a bearer token is (kube's {@code authenticator.Token}); empty when this authenticator does
 * not know the token, so that the next one may. Thread model: as {@link Authenticator}.
 */
@FunctionalInterface
public interface TokenAuthenticator {

    Optional<UserInfo> user(String token);
}
