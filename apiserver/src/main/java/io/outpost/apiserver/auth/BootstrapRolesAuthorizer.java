package io.outpost.apiserver.auth;

import java.util.List;

import io.outpost.apiserver.http.UserInfo;

/**
 * The three default cluster roles that kube-apiserver binds to every user, so that a user with
 * no other permission can still see the server's health and version, read discovery and ask what
 * it may do (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go):
 * <ul>
 * <li>{@code system:public-info-viewer}, bound to authenticated and unauthenticated users:
 *     get {@code /healthz}, {@code /livez}, {@code /readyz}, {@code /version}, and Outpost's
 *     {@code /cacerts} (the CA bundle, public as in k3s: a joining node pins it by hash);
 * <li>{@code system:discovery}, bound to authenticated users: get {@code /api*}, {@code /apis*},
 *     {@code /openapi*} and the above;
 * <li>{@code system:basic-user}, bound to authenticated users: create the self-subject reviews;
 * <li>{@code system:service-account-issuer-discovery}, bound to the group {@code system:serviceaccounts}:
 *     get the OIDC discovery document and the token signing keys.
 * </ul>
 * When RBAC arrives these become real ClusterRoleBindings and this class goes away.
 */
public final class BootstrapRolesAuthorizer implements Authorizer {

    static final String UNAUTHENTICATED = "system:unauthenticated";

    private static final List<String> PUBLIC_INFO = List.of("/healthz", "/healthz/*", "/livez", "/livez/*", "/readyz",
            "/readyz/*", "/version", "/version/", "/cacerts");

    private static final Rules PUBLIC_INFO_VIEWER = new Rules(List.of(),
            List.of(new Rules.NonResourceRule(List.of("get"), PUBLIC_INFO)), false);

    private static final Rules DISCOVERY_AND_BASIC_USER = new Rules(
            List.of(new Rules.ResourceRule(List.of("create"), List.of("authorization.k8s.io"),
                            List.of("selfsubjectaccessreviews", "selfsubjectrulesreviews"), List.of()),
                    new Rules.ResourceRule(List.of("create"), List.of("authentication.k8s.io"),
                            List.of("selfsubjectreviews"), List.of())),
            List.of(new Rules.NonResourceRule(List.of("get"),
                    List.of("/api", "/api/*", "/apis", "/apis/*", "/openapi", "/openapi/*"))), false);

    static final String SERVICE_ACCOUNTS = "system:serviceaccounts";

    private static final Rules ISSUER_DISCOVERY = new Rules(List.of(), List.of(new Rules.NonResourceRule(List.of("get"),
            List.of("/.well-known/openid-configuration", "/.well-known/openid-configuration/", "/openid/v1/jwks",
                    "/openid/v1/jwks/"))), false);

    @Override
    public Decision authorize(Attributes attributes) {
        return rulesFor(attributes.user(), attributes.namespace()).allows(attributes) ? Decision.allow("") : Decision.NO_OPINION;
    }

    @Override
    public Rules rulesFor(UserInfo user, String namespace) {
        Rules rules = Rules.NONE;
        if (user.inGroup(UserInfo.AUTHENTICATED) || user.inGroup(UNAUTHENTICATED)) {
            rules = rules.plus(PUBLIC_INFO_VIEWER);
        }
        if (user.inGroup(UserInfo.AUTHENTICATED)) {
            rules = rules.plus(DISCOVERY_AND_BASIC_USER);
        }
        if (user.inGroup(SERVICE_ACCOUNTS)) {
            rules = rules.plus(ISSUER_DISCOVERY);
        }
        return rules;
    }
}
