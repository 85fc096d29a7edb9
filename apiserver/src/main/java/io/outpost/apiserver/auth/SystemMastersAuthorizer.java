package io.outpost.apiserver.auth;

import java.util.List;

import io.outpost.apiserver.http.UserInfo;

/**
 * Members of {@code system:masters} may do everything, as in kube-apiserver (where this group
 * bypasses RBAC); it has no opinion about anybody else.
 */
public final class SystemMastersAuthorizer implements Authorizer {

    private static final Rules EVERYTHING = new Rules(
            List.of(new Rules.ResourceRule(List.of("*"), List.of("*"), List.of("*"), List.of())),
            List.of(new Rules.NonResourceRule(List.of("*"), List.of("*"))), false);

    @Override
    public Decision authorize(Attributes attributes) {
        return attributes.user().inGroup(UserInfo.MASTERS) ? Decision.allow("") : Decision.NO_OPINION;
    }

    @Override
    public Rules rulesFor(UserInfo user, String namespace) {
        return user.inGroup(UserInfo.MASTERS) ? EVERYTHING : Rules.NONE;
    }
}
