package io.outpost.apiserver.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.outpost.api.ResourceType;
import io.outpost.api.ResourceTypes;
import io.outpost.apiserver.admission.ObjectSource;
import io.outpost.apiserver.serviceaccount.BoundTokens;
import io.outpost.apiserver.serviceaccount.ServiceAccountAuthenticator;
import io.outpost.apiserver.serviceaccount.ServiceAccountKey;
import io.outpost.apiserver.serviceaccount.TokenIssuer;
import io.outpost.apiserver.serviceaccount.TokenVerifier;
import io.outpost.testing.FakeClock;
import io.outpost.tunnel.Frame;
import io.outpost.tunnel.ObjectKind;
import io.outpost.tunnel.ObjectRef;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The tokens the tunnel mints for a node's pods: when, for which sources, and again before they grow old. */
class PodTokensTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final ResourceTypes TYPES = ResourceTypes.builtIns();
    private static final ServiceAccountAuthenticator.Resources RESOURCES = new ServiceAccountAuthenticator.Resources(
            TYPES.lookup("", "v1", "serviceaccounts").orElseThrow(), TYPES.lookup("", "v1", "pods").orElseThrow(),
            TYPES.lookup("", "v1", "secrets").orElseThrow(), TYPES.lookup("", "v1", "nodes").orElseThrow());
    private static final TokenIssuer ISSUER = new TokenIssuer(ServiceAccountKey.generate());
    private static final ObjectRef WEB = new ObjectRef(ObjectKind.POD, "apps", "web");
    /** The downstream's progress when tokens are sent, in the tests where it does not matter. */
    private static final long PROGRESS = 100;
    private static final String API_TOKEN = "{\"serviceAccountToken\":{\"path\":\"token\",\"expirationSeconds\":3607}}";

    private final Map<String, ObjectNode> objects = new HashMap<>();
    private final FakeClock clock = new FakeClock(T0);
    private final PodTokens tokens = new PodTokens(new BoundTokens(ISSUER, source(), RESOURCES, clock), "edge-1", clock);

    private ObjectSource source() {
        return new ObjectSource() {
            @Override
            public Listing list(ResourceType type) {
                return new Listing(List.of(), 1);
            }

            @Override
            public Optional<ObjectNode> get(ResourceType type, String namespace, String name) {
                return Optional.ofNullable(objects.get(type.plural() + "/" + namespace + "/" + name));
            }

            @Override
            public Optional<ResourceType> resourceOf(String apiVersion, String kind) {
                return Optional.empty();
            }
        };
    }

    private ObjectNode pod(String node, String... sources) {
        ObjectNode pod = JSON.createObjectNode();
        pod.putObject("metadata").put("name", "web").put("namespace", "apps").put("uid", "pod-uid");
        ObjectNode spec = pod.putObject("spec").put("serviceAccountName", "builder").put("nodeName", node);
        var projected = spec.putArray("volumes").addObject().put("name", "kube-api-access-abcde").putObject("projected").putArray("sources");
        for (String s : sources) {
            projected.add(JSON.readTree(s));
        }
        projected.addObject().putObject("configMap").put("name", "kube-root-ca.crt");
        objects.put("pods/apps/web", pod);
        return pod;
    }

    private void serviceAccount() {
        ObjectNode sa = JSON.createObjectNode();
        sa.putObject("metadata").put("name", "builder").put("namespace", "apps").put("uid", "sa-uid");
        objects.put("serviceaccounts/apps/builder", sa);
    }

    @Test
    void aPodsTokensAreMintedOnceForEachSourceAndAgainAfterEightyPercentOfTheirLifetime() {
        serviceAccount();
        tokens.pod(WEB, pod("edge-1", "{\"serviceAccountToken\":{\"path\":\"token\",\"expirationSeconds\":3607}}",
                "{\"serviceAccountToken\":{\"path\":\"vault\",\"audience\":\"vault\",\"expirationSeconds\":600}}"));
        List<Frame.ServiceAccountToken> first = tokens.dueNow(PROGRESS);
        assertThat(first).extracting(Frame.ServiceAccountToken::audience).containsExactlyInAnyOrder("", "vault");
        assertThat(first).allSatisfy(t -> assertThat(t.podUid()).isEqualTo("pod-uid"));
        Frame.ServiceAccountToken api = first.stream().filter(t -> t.audience().isEmpty()).findFirst().orElseThrow();
        assertThat(api.expiresAtEpochSecond()).isEqualTo(T0.plusSeconds(3607).getEpochSecond());
        assertThat(new TokenVerifier(ISSUER, clock).verify(api.token())).isInstanceOf(TokenVerifier.Result.Valid.class);
        assertThat(tokens.dueNow(PROGRESS)).isEmpty();

        clock.advance(Duration.ofSeconds(479)); // 80% of 600 s is 480 s
        assertThat(tokens.dueNow(PROGRESS)).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.dueNow(PROGRESS)).extracting(Frame.ServiceAccountToken::audience).containsExactly("vault");
        clock.advance(Duration.ofSeconds(479));
        assertThat(tokens.dueNow(PROGRESS)).isEmpty();
        clock.advance(Duration.ofSeconds(3607 * 8 / 10 - 959)); // the API token's 80%; the vault one is due too by then
        assertThat(tokens.dueNow(PROGRESS)).extracting(Frame.ServiceAccountToken::audience).containsExactlyInAnyOrder("", "vault");
    }

    @Test
    void anUnchangedPodIsNotMintedAgainButARecreatedOneIs() {
        serviceAccount();
        String source = "{\"serviceAccountToken\":{\"path\":\"token\",\"expirationSeconds\":3607}}";
        tokens.pod(WEB, pod("edge-1", source));
        assertThat(tokens.dueNow(PROGRESS)).hasSize(1);
        tokens.pod(WEB, pod("edge-1", source));
        assertThat(tokens.dueNow(PROGRESS)).isEmpty();
        ObjectNode recreated = pod("edge-1", source);
        ((ObjectNode) recreated.get("metadata")).put("uid", "new-uid");
        tokens.pod(WEB, recreated);
        assertThat(tokens.dueNow(PROGRESS)).extracting(Frame.ServiceAccountToken::podUid).containsExactly("new-uid");
    }

    @Test
    void aPodWithoutTokenSourcesOrGoneGetsNone() {
        serviceAccount();
        tokens.pod(WEB, pod("edge-1"));
        assertThat(tokens.dueNow(PROGRESS)).isEmpty();
        tokens.pod(WEB, pod("edge-1", "{\"serviceAccountToken\":{\"path\":\"token\"}}"));
        tokens.pod(WEB, null);
        assertThat(tokens.dueNow(PROGRESS)).isEmpty();
    }

    @Test
    void aMintThatFailsIsTriedAgainAfterTenSeconds() {
        tokens.pod(WEB, pod("edge-1", "{\"serviceAccountToken\":{\"path\":\"token\"}}"));
        assertThat(tokens.dueNow(PROGRESS)).isEmpty(); // no service account yet
        serviceAccount();
        clock.advance(Duration.ofSeconds(9));
        assertThat(tokens.dueNow(PROGRESS)).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.dueNow(PROGRESS)).singleElement().satisfies(t -> assertThat(t.expirationSeconds()).isEqualTo(3600));
    }

    @Test
    void aPodOfAnotherNodeGetsNoToken() {
        serviceAccount();
        tokens.pod(WEB, pod("edge-2", "{\"serviceAccountToken\":{\"path\":\"token\"}}"));
        assertThat(tokens.dueNow(PROGRESS)).isEmpty(); // the node restriction refuses it
    }

    /** A second connection of the node, whose agent had applied up to {@code agentRevision}. */
    private PodTokens reconnect(TokenLedger ledger, long agentRevision) {
        return new PodTokens(new BoundTokens(ISSUER, source(), RESOURCES, clock), "edge-1", clock, ledger, agentRevision);
    }

    @Test
    void aReconnectSendsNoTokenTheAgentGotBeforeItsResumePointOnlyThoseDue() {
        serviceAccount();
        TokenLedger ledger = new TokenLedger();
        PodTokens first = reconnect(ledger, 0);
        first.pod(WEB, pod("edge-1", API_TOKEN));
        assertThat(first.dueNow(100)).hasSize(1);

        clock.advance(Duration.ofMinutes(30));
        PodTokens second = reconnect(ledger, 101); // a heartbeat's answer after the token moved it past 100
        second.pod(WEB, pod("edge-1", API_TOKEN));
        second.settled();
        assertThat(second.dueNow(150)).as("the agent holds it: nothing is sent").isEmpty();

        clock.advance(Duration.ofSeconds(3607 * 8 / 10).minus(Duration.ofMinutes(30)));
        assertThat(second.dueNow(160)).as("refreshed when due, as on one connection").hasSize(1);
    }

    @Test
    void aTokenSentAtOrAfterTheAgentsResumePointIsMintedAgain() {
        serviceAccount();
        TokenLedger ledger = new TokenLedger();
        PodTokens first = reconnect(ledger, 0);
        first.pod(WEB, pod("edge-1", API_TOKEN));
        assertThat(first.dueNow(100)).hasSize(1);

        // The link broke before anything after the token reached the agent: it may not have it.
        PodTokens second = reconnect(ledger, 100);
        second.pod(WEB, pod("edge-1", API_TOKEN));
        assertThat(second.dueNow(100)).hasSize(1);
    }

    @Test
    void theTokensOfAPodGoneWhileTheAgentWasAwayAreForgotten() {
        serviceAccount();
        TokenLedger ledger = new TokenLedger();
        PodTokens first = reconnect(ledger, 0);
        first.pod(WEB, pod("edge-1", API_TOKEN));
        assertThat(first.dueNow(100)).hasSize(1);
        PodTokens.Source source = new PodTokens.Source("", 3607);
        assertThat(ledger.heldDue("edge-1", "pod-uid", source, 200)).isPresent();

        PodTokens second = reconnect(ledger, 200); // the pod is not in the node's projection any more
        second.settled();
        assertThat(ledger.heldDue("edge-1", "pod-uid", source, 200)).isEmpty();
    }

    @Test
    void aPodDeletedDuringAConnectionIsForgotten() {
        serviceAccount();
        TokenLedger ledger = new TokenLedger();
        PodTokens first = reconnect(ledger, 0);
        first.pod(WEB, pod("edge-1", API_TOKEN));
        assertThat(first.dueNow(100)).hasSize(1);
        first.pod(WEB, null);
        assertThat(ledger.heldDue("edge-1", "pod-uid", new PodTokens.Source("", 3607), 200)).isEmpty();
    }
}
