package io.outpost.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.apiserver.http.UserInfo;

class AuthorizerTest {

    private static final UserInfo ADMIN = new UserInfo("outpost-admin", List.of(UserInfo.MASTERS, UserInfo.AUTHENTICATED));
    private static final UserInfo ALICE = new UserInfo("alice", List.of("dev", UserInfo.AUTHENTICATED));
    private static final UserInfo ANONYMOUS = Authentication.ANONYMOUS_USER;

    private static final Authorizer AUTHORIZER = new UnionAuthorizer(List.of(new SystemMastersAuthorizer(), new BootstrapRolesAuthorizer()));

    record Case(String sentence, Attributes attributes, boolean allowed) {
        @Override
        public String toString() {
            return sentence;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A member of system:masters may list pods", Attributes.resource(ADMIN, "list", "", "pods", "", "default", ""), true),
                new Case("A member of system:masters may delete nodes", Attributes.resource(ADMIN, "delete", "", "nodes", "", "", "n1"), true),
                new Case("A member of system:masters may get any path", Attributes.nonResource(ADMIN, "get", "/metrics"), true),
                new Case("Another user may not list pods", Attributes.resource(ALICE, "list", "", "pods", "", "default", ""), false),
                new Case("Another user may not get /metrics", Attributes.nonResource(ALICE, "get", "/metrics"), false),
                new Case("Any authenticated user may read discovery", Attributes.nonResource(ALICE, "get", "/apis/apps/v1"), true),
                new Case("Any authenticated user may read /version", Attributes.nonResource(ALICE, "get", "/version"), true),
                new Case("Any authenticated user may ask what it may do",
                        Attributes.resource(ALICE, "create", "authorization.k8s.io", "selfsubjectaccessreviews", "", "", ""), true),
                new Case("Any authenticated user may ask who it is",
                        Attributes.resource(ALICE, "create", "authentication.k8s.io", "selfsubjectreviews", "", "", ""), true),
                new Case("Nobody but masters may post to a public path", Attributes.nonResource(ALICE, "post", "/healthz"), false),
                new Case("The anonymous user may read /readyz/ping", Attributes.nonResource(ANONYMOUS, "get", "/readyz/ping"), true),
                new Case("The anonymous user may not read discovery", Attributes.nonResource(ANONYMOUS, "get", "/api"), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(Case c) {
        assertThat(AUTHORIZER.authorize(c.attributes()).allowed()).isEqualTo(c.allowed());
        // The rules a user is told about agree with the decisions made.
        assertThat(AUTHORIZER.rulesFor(c.attributes().user(), c.attributes().namespace()).allows(c.attributes())).isEqualTo(c.allowed());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void aDenialIsWordedAsKubeWordsIt(String expected, Attributes attributes) {
        assertThat(attributes.deniedMessage()).isEqualTo(expected);
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> messages() {
        return Stream.of(
                org.junit.jupiter.params.provider.Arguments.of(
                        "User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"",
                        Attributes.resource(ALICE, "list", "", "pods", "", "default", "")),
                org.junit.jupiter.params.provider.Arguments.of(
                        "User \"alice\" cannot update resource \"deployments/scale\" in API group \"apps\" in the namespace \"prod\"",
                        Attributes.resource(ALICE, "update", "apps", "deployments", "scale", "prod", "web")),
                org.junit.jupiter.params.provider.Arguments.of(
                        "User \"alice\" cannot get resource \"nodes\" in API group \"\" at the cluster scope",
                        Attributes.resource(ALICE, "get", "", "nodes", "", "", "n1")),
                org.junit.jupiter.params.provider.Arguments.of(
                        "User \"alice\" cannot get path \"/metrics\"",
                        Attributes.nonResource(ALICE, "get", "/metrics")));
    }
}
