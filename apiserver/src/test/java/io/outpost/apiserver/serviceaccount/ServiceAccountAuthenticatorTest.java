package io.outpost.apiserver.serviceaccount;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.api.ResourceType;
import io.outpost.api.ResourceTypes;
import io.outpost.apiserver.admission.ObjectSource;
import io.outpost.apiserver.http.UserInfo;
import io.outpost.testing.FakeClock;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Minting bound tokens (BoundTokens) and authenticating them against the objects they name. */
class ServiceAccountAuthenticatorTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final ResourceTypes TYPES = ResourceTypes.builtIns();
    private static final ServiceAccountAuthenticator.Resources RESOURCES = new ServiceAccountAuthenticator.Resources(
            TYPES.lookup("", "v1", "serviceaccounts").orElseThrow(), TYPES.lookup("", "v1", "pods").orElseThrow(),
            TYPES.lookup("", "v1", "secrets").orElseThrow(), TYPES.lookup("", "v1", "nodes").orElseThrow());
    private static final TokenIssuer ISSUER = new TokenIssuer(ServiceAccountKey.generate());
    private static final UserInfo ADMIN = new UserInfo("admin", List.of("system:masters"));
    private static final UserInfo NODE_A = new UserInfo("system:node:a", List.of("system:nodes"));

    /** Objects by "plural/namespace/name", mutable per test. */
    static final class Objects implements ObjectSource {
        final Map<String, ObjectNode> byKey = new HashMap<>();

        Objects put(String plural, String namespace, String name, String uid, Consumer<ObjectNode> more) {
            ObjectNode o = JSON.createObjectNode();
            o.putObject("metadata").put("name", name).put("namespace", namespace).put("uid", uid);
            more.accept(o);
            byKey.put(plural + "/" + namespace + "/" + name, o);
            return this;
        }

        @Override
        public Listing list(ResourceType type) {
            return new Listing(byKey.entrySet().stream().filter(e -> e.getKey().startsWith(type.plural() + "/"))
                    .map(e -> new Item(e.getValue(), 1)).toList(), 1);
        }

        @Override
        public Optional<ObjectNode> get(ResourceType type, String namespace, String name) {
            return Optional.ofNullable(byKey.get(type.plural() + "/" + (namespace == null ? "" : namespace) + "/" + name));
        }

        @Override
        public Optional<ResourceType> resourceOf(String apiVersion, String kind) {
            return Optional.empty();
        }
    }

    static Objects cluster() {
        return new Objects()
                .put("serviceaccounts", "apps", "builder", "sa-uid", o -> { })
                .put("serviceaccounts", "apps", "default", "default-uid", o -> { })
                .put("pods", "apps", "web", "pod-uid", o -> o.putObject("spec").put("serviceAccountName", "builder").put("nodeName", "a"))
                .put("pods", "apps", "other", "other-uid", o -> o.putObject("spec").put("serviceAccountName", "default").put("nodeName", "b"))
                .put("secrets", "apps", "creds", "secret-uid", o -> { })
                .put("nodes", "", "a", "node-a-uid", o -> { });
    }

    static BoundTokens.Spec bound(String kind, String name, String uid) {
        return new BoundTokens.Spec(List.of(), 3600, Optional.of(new BoundTokens.BoundRef("v1", kind, name, uid)));
    }

    static final BoundTokens.Spec UNBOUND = new BoundTokens.Spec(List.of(), 3600, Optional.empty());

    record Refusal(String sentence, String serviceAccount, BoundTokens.Spec spec, UserInfo requester, int code, String message) {
        @Override
        public String toString() {
            return sentence;
        }
    }

    static Stream<Refusal> refusals() {
        return Stream.of(
                new Refusal("A token for a service account that does not exist is 404", "ghost", UNBOUND, ADMIN, 404,
                        "serviceaccounts \"ghost\" not found"),
                new Refusal("A token bound to a pod that does not exist is 404", "builder", bound("Pod", "gone", ""), ADMIN, 404,
                        "pods \"gone\" not found"),
                new Refusal("A token bound to a pod of another service account is 400", "default", bound("Pod", "web", ""), ADMIN, 400,
                        "cannot bind token for serviceaccount \"default\" to pod running with different serviceaccount name."),
                new Refusal("A token bound to a pod whose uid differs is 409", "builder", bound("Pod", "web", "old-uid"), ADMIN, 409,
                        "the UID in the bound object reference (old-uid) does not match the UID in record"),
                new Refusal("A token bound to a ConfigMap is 400", "builder", bound("ConfigMap", "cm", ""), ADMIN, 400,
                        "cannot bind token to object of type v1, Kind=ConfigMap"),
                new Refusal("A node may not have an unbound token", "builder", UNBOUND, NODE_A, 403,
                        "node requested token not bound to a pod"),
                new Refusal("A node may not have a pod-bound token without the pod's uid", "builder", bound("Pod", "web", ""), NODE_A, 403,
                        "node requested token with a pod binding without a uid"),
                new Refusal("A node may not have a token bound to another node's pod", "default", bound("Pod", "other", "other-uid"),
                        NODE_A, 403, "node requested token bound to a pod scheduled on a different node"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refuses(Refusal r) {
        BoundTokens tokens = new BoundTokens(ISSUER, cluster(), RESOURCES, new FakeClock(T0));
        BoundTokens.Outcome outcome = tokens.mint("apps", r.serviceAccount(), r.spec(), r.requester());
        assertThat(outcome).isInstanceOf(BoundTokens.Outcome.Refused.class);
        BoundTokens.Outcome.Refused refused = (BoundTokens.Outcome.Refused) outcome;
        assertThat(refused.status().status()).isEqualTo(r.code());
        assertThat(new String(refused.status().body())).contains(r.message().replace("\"", "\\\""));
    }

    @Test
    void aPodBoundTokenAuthenticatesAsTheServiceAccountWithThePodAndNodeInItsExtra() {
        Objects objects = cluster();
        FakeClock clock = new FakeClock(T0);
        BoundTokens tokens = new BoundTokens(ISSUER, objects, RESOURCES, clock);
        var minted = (BoundTokens.Outcome.Minted) tokens.mint("apps", "builder", bound("Pod", "web", "pod-uid"), NODE_A);
        assertThat(minted.expirationTimestamp()).isEqualTo(T0.plus(Duration.ofHours(1)));
        Optional<UserInfo> user = authenticator(objects, clock).user(minted.token());
        assertThat(user).isPresent();
        assertThat(user.get().name()).isEqualTo("system:serviceaccount:apps:builder");
        assertThat(user.get().uid()).isEqualTo("sa-uid");
        assertThat(user.get().groups()).containsExactly("system:serviceaccounts", "system:serviceaccounts:apps", "system:authenticated");
        assertThat(user.get().extra()).containsEntry("authentication.kubernetes.io/pod-name", List.of("web"))
                .containsEntry("authentication.kubernetes.io/pod-uid", List.of("pod-uid"))
                .containsEntry("authentication.kubernetes.io/node-name", List.of("a"))
                .containsEntry("authentication.kubernetes.io/node-uid", List.of("node-a-uid"))
                .containsEntry("authentication.kubernetes.io/credential-id", List.of("JTI=" + minted.claims().id()));
    }

    record Invalidation(String sentence, BoundTokens.Spec spec, Consumer<Objects> change, Duration later, boolean valid) {
        @Override
        public String toString() {
            return sentence;
        }
    }

    static Stream<Invalidation> invalidations() {
        return Stream.of(
                new Invalidation("A pod-bound token stops authenticating when its pod is deleted", bound("Pod", "web", ""),
                        o -> o.byKey.remove("pods/apps/web"), Duration.ZERO, false),
                new Invalidation("A pod-bound token stops authenticating when its pod is recreated with another uid", bound("Pod", "web", ""),
                        o -> o.put("pods", "apps", "web", "new-uid", p -> p.putObject("spec").put("serviceAccountName", "builder")),
                        Duration.ZERO, false),
                new Invalidation("A pod-bound token still authenticates within a minute of its pod being marked deleted",
                        bound("Pod", "web", ""), o -> ((ObjectNode) o.byKey.get("pods/apps/web").get("metadata"))
                                .put("deletionTimestamp", T0.toString()), Duration.ofSeconds(30), true),
                new Invalidation("A pod-bound token stops authenticating a minute after its pod was marked deleted",
                        bound("Pod", "web", ""), o -> ((ObjectNode) o.byKey.get("pods/apps/web").get("metadata"))
                                .put("deletionTimestamp", T0.toString()), Duration.ofSeconds(61), false),
                new Invalidation("A token stops authenticating when its service account is deleted", UNBOUND,
                        o -> o.byKey.remove("serviceaccounts/apps/builder"), Duration.ZERO, false),
                new Invalidation("A token stops authenticating when its service account is recreated", UNBOUND,
                        o -> o.put("serviceaccounts", "apps", "builder", "new-sa-uid", x -> { }), Duration.ZERO, false),
                new Invalidation("A Secret-bound token stops authenticating when the Secret is deleted", bound("Secret", "creds", ""),
                        o -> o.byKey.remove("secrets/apps/creds"), Duration.ZERO, false),
                new Invalidation("A Node-bound token stops authenticating when the Node is deleted", bound("Node", "a", ""),
                        o -> o.byKey.remove("nodes//a"), Duration.ZERO, false),
                new Invalidation("A pod-bound token outlives the deletion of its pod's Node (the node is information only)",
                        bound("Pod", "web", ""), o -> o.byKey.remove("nodes//a"), Duration.ZERO, true),
                new Invalidation("An extended pod token (3607 s) still authenticates after its requested hour",
                        new BoundTokens.Spec(List.of(), BoundTokens.WARN_ONLY_SECONDS, bound("Pod", "web", "").boundObjectRef()),
                        o -> { }, Duration.ofHours(2), true),
                new Invalidation("An unbound token of 3607 s is not extended", new BoundTokens.Spec(List.of(), BoundTokens.WARN_ONLY_SECONDS,
                        Optional.empty()), o -> { }, Duration.ofHours(2), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidations")
    void invalidates(Invalidation c) {
        Objects objects = cluster();
        FakeClock clock = new FakeClock(T0);
        var minted = (BoundTokens.Outcome.Minted) new BoundTokens(ISSUER, objects, RESOURCES, clock).mint("apps", "builder", c.spec(), ADMIN);
        assertThat(authenticator(objects, clock).user(minted.token())).isPresent();
        c.change().accept(objects);
        clock.advance(c.later());
        assertThat(authenticator(objects, clock).user(minted.token()).isPresent()).isEqualTo(c.valid());
    }

    private static ServiceAccountAuthenticator authenticator(Objects objects, FakeClock clock) {
        return new ServiceAccountAuthenticator(new TokenVerifier(ISSUER, clock), objects, RESOURCES, clock);
    }
}
