package io.outpost.apiserver.auth;

import java.util.List;

import io.outpost.apiserver.http.UserInfo;

/**
 * Asks each authorizer in turn; the first that allows or denies decides (kube's union authorizer).
 * When none does, the reasons the others gave are joined, as kube joins them, for the 403.
 */
public final class UnionAuthorizer implements Authorizer {

    private final List<Authorizer> authorizers;

    public UnionAuthorizer(List<Authorizer> authorizers) {
        this.authorizers = List.copyOf(authorizers);
    }

    @Override
    public Decision authorize(Attributes attributes) {
        StringBuilder reasons = new StringBuilder();
        for (Authorizer a : authorizers) {
            Decision d = a.authorize(attributes);
            if (d.kind() != Decision.Kind.NO_OPINION) {
                return d;
            }
            if (!d.reason().isEmpty()) {
                reasons.append(reasons.isEmpty() ? "" : "\n").append(d.reason());
            }
        }
        return reasons.isEmpty() ? Decision.NO_OPINION : Decision.noOpinion(reasons.toString());
    }

    @Override
    public Rules rulesFor(UserInfo user, String namespace) {
        Rules all = Rules.NONE;
        for (Authorizer a : authorizers) {
            all = all.plus(a.rulesFor(user, namespace));
        }
        return all;
    }
}
