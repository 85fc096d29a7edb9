package io.outpost.apiserver.auth;

import io.outpost.apiserver.http.UserInfo;

/**
 * Decides whether a user may do what a request asks (kube's {@code authorizer.Authorizer} and
 * {@code RuleResolver} in one). RBAC and the node authorizer will implement it.
 *
 * <p>Thread model: called on request virtual threads, many at once; implementations are
 * thread-safe and answer from memory.
 */
public interface Authorizer {

    Decision authorize(Attributes attributes);

    /** What {@code user} may do in {@code namespace} (empty: cluster-wide rules only). */
    Rules rulesFor(UserInfo user, String namespace);
}
