package io.outpost.apiserver.auth;

import java.util.List;

import io.outpost.apiserver.http.UserInfo;

/**
 * kube's {@code system:node-bootstrapper} ClusterRole, which kubeadm and k3s bind to the group
 * {@code system:bootstrappers}: a joining node's bootstrap token may create
 * CertificateSigningRequests and read them back (to collect its certificate), nothing else
 * beyond what every authenticated user may (discovery, health).
 */
public final class BootstrapperAuthorizer implements Authorizer {

    private static final Rules NODE_BOOTSTRAPPER = new Rules(List.of(new Rules.ResourceRule(
            List.of("create", "get", "list", "watch"), List.of("certificates.k8s.io"), List.of("certificatesigningrequests"),
            List.of())), List.of(), false);

    @Override
    public Decision authorize(Attributes attributes) {
        return rulesFor(attributes.user(), attributes.namespace()).allows(attributes) ? Decision.allow("") : Decision.NO_OPINION;
    }

    @Override
    public Rules rulesFor(UserInfo user, String namespace) {
        return user.inGroup(BootstrapTokens.GROUP) ? NODE_BOOTSTRAPPER : Rules.NONE;
    }
}
