package io.outpost.apiserver.auth;

/**
 * Establishes who made a request. Thread model: called on the request's virtual thread, from
 * many at once; implementations are immutable or thread-safe and do not block for long.
 */
@FunctionalInterface
public interface Authenticator {

    Authentication authenticate(Credentials credentials);
}
