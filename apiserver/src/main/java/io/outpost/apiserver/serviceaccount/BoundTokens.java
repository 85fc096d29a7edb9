package io.outpost.apiserver.serviceaccount;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.admission.ObjectSource;
import io.outpost.apiserver.auth.NodeAuthorizer;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.Statuses;
import io.outpost.apiserver.http.UserInfo;
import tools.jackson.databind.node.ObjectNode;

/**
 * Mints the token of a TokenRequest, as kube's {@code pkg/registry/core/serviceaccount/storage/token.go}
 * does after validation: looks up the service account and the bound object (Pod, Secret or Node;
 * a pod must run as that service account, a uid in the reference must match), puts the pod's node
 * in a pod-bound token, and extends a pod-bound token of exactly {@link #WARN_ONLY_SECONDS} for
 * the API audiences to a year with a {@code warnafter} (kube's
 * {@code --service-account-extend-token-expiration}, on by default: kubelets that fail to refresh
 * do not break workloads, the authenticator only notes the stale use). A node may only have tokens
 * bound to a pod scheduled on it, with the pod's uid (kube's NodeRestriction admission,
 * {@code admitServiceAccount}). Both the TokenRequest endpoint and the tunnel (tokens for a node's
 * projected volumes) mint through here.
 *
 * <p>Objects are read once the watch cache has caught up with the store (a write path reads the
 * latest). Thread model: immutable; any thread.
 */
public final class BoundTokens {

    /** kubelet's and the admission's projected-token lifetime that kube extends ({@code token.WarnOnlyBoundTokenExpirationSeconds}). */
    public static final long WARN_ONLY_SECONDS = 3607;
    /** How long an extended token really lives ({@code token.ExpirationExtensionSeconds}: a year). */
    static final long EXTENDED_SECONDS = 365L * 24 * 60 * 60;
    public static final long MIN_SECONDS = 600;
    static final long MAX_SECONDS = 1L << 32;

    /** What a TokenRequest asks for (its spec, defaulted). */
    public record Spec(List<String> audiences, long expirationSeconds, Optional<BoundRef> boundObjectRef) {
        public Spec {
            audiences = List.copyOf(audiences);
        }
    }

    /** {@code spec.boundObjectRef}. */
    public record BoundRef(String apiVersion, String kind, String name, String uid) {
    }

    /** What minting gave. */
    public sealed interface Outcome {
        /** The token (a secret: never log it), when the request says it expires, and the claims in it. */
        record Minted(String token, Instant expirationTimestamp, Instant issuedAt, TokenClaims claims) implements Outcome {
            @Override
            public String toString() {
                return "Minted[" + claims.subject() + " until " + expirationTimestamp + "]";
            }
        }

        /** A Status to answer with instead. */
        record Refused(ApiResponse.Full status) implements Outcome {
        }
    }

    private final TokenIssuer issuer;
    private final ObjectSource objects;
    private final ServiceAccountAuthenticator.Resources resources;
    private final Clock clock;

    public BoundTokens(TokenIssuer issuer, ObjectSource objects, ServiceAccountAuthenticator.Resources resources, Clock clock) {
        this.issuer = issuer;
        this.objects = objects;
        this.resources = resources;
        this.clock = clock;
    }

    public TokenIssuer issuer() {
        return issuer;
    }

    /** A token for service account {@code namespace/name}, asked for by {@code requester}. */
    public Outcome mint(String namespace, String name, Spec spec, UserInfo requester) {
        Optional<ObjectNode> sa = objects.getFresh(resources.serviceAccounts(), namespace, name);
        if (sa.isEmpty()) {
            return refused(Statuses.notFound("", "serviceaccounts", name));
        }
        List<String> audiences = spec.audiences().isEmpty() ? issuer.apiAudiences() : spec.audiences();
        Optional<String> node = NodeAuthorizer.nodeName(requester);
        if (node.isPresent()) {
            Optional<Outcome> refusal = nodeRestriction(node.get(), namespace, name, spec);
            if (refusal.isPresent()) {
                return refusal.get();
            }
        }
        Optional<TokenClaims.ObjectIdentity> pod = Optional.empty();
        Optional<TokenClaims.ObjectIdentity> secret = Optional.empty();
        Optional<TokenClaims.ObjectIdentity> boundNode = Optional.empty();
        if (spec.boundObjectRef().isPresent()) {
            BoundRef ref = spec.boundObjectRef().get();
            String group = ref.apiVersion().contains("/") ? ref.apiVersion().substring(0, ref.apiVersion().indexOf('/')) : "";
            String uid;
            if (group.isEmpty() && ref.kind().equals("Pod")) {
                Optional<ObjectNode> p = objects.getFresh(resources.pods(), namespace, ref.name());
                if (p.isEmpty()) {
                    return refused(Statuses.notFound("", "pods", ref.name()));
                }
                if (!name.equals(p.get().path("spec").path("serviceAccountName").asString(""))) {
                    return refused(Statuses.failure(400, "BadRequest", "cannot bind token for serviceaccount \"" + name
                            + "\" to pod running with different serviceaccount name."));
                }
                uid = uid(p.get());
                pod = Optional.of(new TokenClaims.ObjectIdentity(ref.name(), uid));
                String nodeName = p.get().path("spec").path("nodeName").asString("");
                if (!nodeName.isEmpty()) {
                    // The node is information only: a pod-bound token is minted without it if it is gone.
                    boundNode = Optional.of(new TokenClaims.ObjectIdentity(nodeName,
                            objects.get(resources.nodes(), null, nodeName).map(BoundTokens::uid).orElse("")));
                }
            } else if (group.isEmpty() && ref.kind().equals("Secret")) {
                Optional<ObjectNode> s = objects.getFresh(resources.secrets(), namespace, ref.name());
                if (s.isEmpty()) {
                    return refused(Statuses.notFound("", "secrets", ref.name()));
                }
                uid = uid(s.get());
                secret = Optional.of(new TokenClaims.ObjectIdentity(ref.name(), uid));
            } else if (group.isEmpty() && ref.kind().equals("Node")) {
                Optional<ObjectNode> n = objects.getFresh(resources.nodes(), null, ref.name());
                if (n.isEmpty()) {
                    return refused(Statuses.notFound("", "nodes", ref.name()));
                }
                uid = uid(n.get());
                boundNode = Optional.of(new TokenClaims.ObjectIdentity(ref.name(), uid));
            } else {
                return refused(Statuses.failure(400, "BadRequest", "cannot bind token to object of type "
                        + (group.isEmpty() ? "" : group + "/") + versionOf(ref.apiVersion()) + ", Kind=" + ref.kind()));
            }
            if (!ref.uid().isEmpty() && !ref.uid().equals(uid)) {
                return refused(Statuses.failure(409, "Conflict", "Operation cannot be fulfilled on " + ref.kind() + " \"" + ref.name()
                        + "\": the UID in the bound object reference (" + ref.uid() + ") does not match the UID in record. The object might"
                        + " have been deleted and then recreated", new Statuses.Details(ref.name(), group, ref.kind(), List.of())));
            }
        }
        Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond()); // JWT times are whole seconds
        long lifetime = spec.expirationSeconds();
        Optional<Instant> warnAfter = Optional.empty();
        if (pod.isPresent() && lifetime == WARN_ONLY_SECONDS && issuer.apiAudiences().containsAll(audiences)) {
            warnAfter = Optional.of(now.plusSeconds(lifetime));
            lifetime = EXTENDED_SECONDS;
        }
        TokenClaims claims = new TokenClaims(namespace, new TokenClaims.ObjectIdentity(name, uid(sa.get())), pod, secret, boundNode,
                audiences, now, now.plusSeconds(lifetime), warnAfter, UUID.randomUUID().toString());
        return new Outcome.Minted(issuer.mint(claims), now.plus(Duration.ofSeconds(spec.expirationSeconds())), now, claims);
    }

    private Optional<Outcome> nodeRestriction(String node, String namespace, String name, Spec spec) {
        String prefix = "serviceaccounts \"" + name + "\" is forbidden: ";
        Optional<BoundRef> ref = spec.boundObjectRef();
        if (ref.isEmpty() || !ref.get().apiVersion().equals("v1") || !ref.get().kind().equals("Pod") || ref.get().name().isEmpty()) {
            return Optional.of(forbidden(prefix + "node requested token not bound to a pod", name));
        }
        if (ref.get().uid().isEmpty()) {
            return Optional.of(forbidden(prefix + "node requested token with a pod binding without a uid", name));
        }
        Optional<ObjectNode> pod = objects.getFresh(resources.pods(), namespace, ref.get().name());
        if (pod.isEmpty()) {
            return Optional.of(refused(Statuses.notFound("", "pods", ref.get().name())));
        }
        if (!ref.get().uid().equals(uid(pod.get()))) {
            return Optional.of(forbidden(prefix + "the UID in the bound object reference (" + ref.get().uid()
                    + ") does not match the UID in record. The object might have been deleted and then recreated", name));
        }
        if (!node.equals(pod.get().path("spec").path("nodeName").asString(""))) {
            return Optional.of(forbidden(prefix + "node requested token bound to a pod scheduled on a different node", name));
        }
        return Optional.empty();
    }

    private static Outcome forbidden(String message, String name) {
        return refused(Statuses.failure(403, "Forbidden", message, new Statuses.Details(name, "", "serviceaccounts", List.of())));
    }

    private static Outcome refused(ApiResponse.Full status) {
        return new Outcome.Refused(status);
    }

    private static String versionOf(String apiVersion) {
        return apiVersion.contains("/") ? apiVersion.substring(apiVersion.indexOf('/') + 1) : apiVersion;
    }

    static String uid(ObjectNode object) {
        return object.path("metadata").path("uid").asString("");
    }
}
