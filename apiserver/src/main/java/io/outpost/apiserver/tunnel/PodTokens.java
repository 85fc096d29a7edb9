package io.outpost.apiserver.tunnel;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.outpost.apiserver.http.UserInfo;
import io.outpost.apiserver.serviceaccount.BoundTokens;
import io.outpost.tunnel.Frame;
import io.outpost.tunnel.ObjectRef;
import tools.jackson.databind.JsonNode;

/**
 * The service-account tokens of one node's pods, for one connection: what kubelet's token manager
 * does with TokenRequests ({@code pkg/kubelet/token/token_manager.go}), done by the server for the
 * node. For every pod bound to the node, each distinct ({@code audience}, {@code expirationSeconds})
 * of its projected {@code serviceAccountToken} sources gets a token bound to the pod, minted as the
 * node ({@code system:node:NAME}: {@link BoundTokens}' node restriction applies); it is minted
 * again once 80% of its lifetime or 24 hours have passed, whichever is first (kubelet's
 * {@code requiresRefresh}). A new connection mints only the tokens the {@link TokenLedger} does
 * not know the agent to hold (the agent's resume point says what reached it), or that are due. A
 * mint that fails (the service account is missing, the pod was just deleted) is tried again after
 * {@link #RETRY}.
 *
 * <p>Thread model: not thread-safe; owned by one session's downstream thread, which also mints
 * (reads of the registry's watch cache).
 */
final class PodTokens {

    static final Duration RETRY = Duration.ofSeconds(10);
    static final Duration MAX_AGE = Duration.ofHours(24);
    /** kube's API default of {@code ServiceAccountTokenProjection.expirationSeconds}. */
    static final long DEFAULT_SECONDS = 3600;
    private static final Logger LOG = LoggerFactory.getLogger(PodTokens.class);

    /** One {@code serviceAccountToken} source: the token it needs. */
    record Source(String audience, long expirationSeconds) {
    }

    /** What a pod needs tokens for. */
    private record Want(String uid, String serviceAccount, Set<Source> sources) {
    }

    private final BoundTokens tokens;
    private final String nodeName;
    private final UserInfo node;
    private final Clock clock;
    private final TokenLedger ledger;
    /** The revision the agent had applied when it connected (its Hello). */
    private final long agentRevision;
    private final Map<ObjectRef, Want> wants = new HashMap<>();
    private final Map<ObjectRef, Map<Source, Instant>> due = new HashMap<>();

    /** For a first connection of the node to this server. */
    PodTokens(BoundTokens tokens, String node, Clock clock) {
        this(tokens, node, clock, new TokenLedger(), 0);
    }

    /** For a connection of {@code node}, whose agent had applied up to {@code agentRevision}. */
    PodTokens(BoundTokens tokens, String node, Clock clock, TokenLedger ledger, long agentRevision) {
        this.tokens = tokens;
        this.nodeName = node;
        this.node = new UserInfo("system:node:" + node, List.of("system:nodes", UserInfo.AUTHENTICATED));
        this.clock = clock;
        this.ledger = ledger;
        this.agentRevision = agentRevision;
    }

    /** The pod {@code ref} is now {@code pod} (null: deleted or no longer bound here). */
    void pod(ObjectRef ref, JsonNode pod) {
        Want want = pod == null ? null : want(pod);
        if (want == null || want.sources().isEmpty()) {
            Want gone = wants.remove(ref);
            due.remove(ref);
            if (gone != null) {
                ledger.forget(nodeName, gone.uid());
            }
            return;
        }
        if (want.equals(wants.get(ref))) {
            return;
        }
        wants.put(ref, want);
        Map<Source, Instant> times = new HashMap<>();
        want.sources().forEach(s -> times.put(s, ledger.heldDue(nodeName, want.uid(), s, agentRevision).orElse(Instant.MIN)));
        due.put(ref, times);
    }

    /** Forgets every pod (before the projection is read afresh). */
    void clear() {
        wants.clear();
        due.clear();
    }

    /**
     * The pods read at the connection's start are all known: the ledger forgets the tokens of
     * pods that went while the agent was away.
     */
    void settled() {
        Set<String> uids = new java.util.HashSet<>();
        wants.values().forEach(w -> uids.add(w.uid()));
        ledger.retain(nodeName, uids);
    }

    /** Mints the tokens whose time has come, with the downstream at {@code progress}; each is scheduled again. */
    List<Frame.ServiceAccountToken> dueNow(long progress) {
        Instant now = clock.instant();
        List<Frame.ServiceAccountToken> out = new ArrayList<>();
        for (Map.Entry<ObjectRef, Map<Source, Instant>> pod : due.entrySet()) {
            ObjectRef ref = pod.getKey();
            Want want = wants.get(ref);
            for (Map.Entry<Source, Instant> entry : pod.getValue().entrySet()) {
                if (entry.getValue().isAfter(now)) {
                    continue;
                }
                Source source = entry.getKey();
                BoundTokens.Spec spec = new BoundTokens.Spec(source.audience().isEmpty() ? List.of() : List.of(source.audience()),
                        source.expirationSeconds(), Optional.of(new BoundTokens.BoundRef("v1", "Pod", ref.name(), want.uid())));
                switch (tokens.mint(ref.namespace(), want.serviceAccount(), spec, node)) {
                    case BoundTokens.Outcome.Minted m -> {
                        out.add(new Frame.ServiceAccountToken(ref.namespace(), ref.name(), want.uid(), source.audience(),
                                source.expirationSeconds(), m.token(), m.expirationTimestamp().getEpochSecond()));
                        Duration lifetime = Duration.ofSeconds(source.expirationSeconds() * 8 / 10);
                        entry.setValue(m.issuedAt().plus(lifetime.compareTo(MAX_AGE) < 0 ? lifetime : MAX_AGE));
                        ledger.sent(nodeName, want.uid(), source, entry.getValue(), progress);
                    }
                    case BoundTokens.Outcome.Refused r -> {
                        LOG.debug("no service-account token for pod {} yet ({}): trying again in {}", ref, r.status().status(), RETRY);
                        entry.setValue(now.plus(RETRY));
                    }
                }
            }
        }
        return out;
    }

    /** The token sources of a pod's projected volumes, its uid and service account. */
    private static Want want(JsonNode pod) {
        Set<Source> sources = new LinkedHashSet<>();
        for (JsonNode volume : pod.path("spec").path("volumes")) {
            for (JsonNode source : volume.path("projected").path("sources")) {
                JsonNode token = source.path("serviceAccountToken");
                if (token.isObject()) {
                    JsonNode seconds = token.path("expirationSeconds");
                    sources.add(new Source(token.path("audience").asString(""), seconds.isIntegralNumber() ? seconds.asLong() : DEFAULT_SECONDS));
                }
            }
        }
        String sa = pod.path("spec").path("serviceAccountName").asString("");
        return new Want(pod.path("metadata").path("uid").asString(""), sa.isEmpty() ? "default" : sa, sources);
    }
}
