package io.outpost.apiserver.serviceaccount;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.admission.ObjectSource;
import io.outpost.apiserver.auth.TokenAuthenticator;
import io.outpost.apiserver.http.UserInfo;
import tools.jackson.databind.node.ObjectNode;

/**
 * Authenticates bearer service-account tokens as kube's service-account authenticator does
 * ({@code pkg/serviceaccount/jwt.go} with the validator of {@code legacy.go}/{@code claims.go}):
 * after {@link TokenVerifier}'s checks, the service account must still exist with the uid in the
 * token, and so must the pod, Secret or Node the token is bound to; an object deleted (marked
 * with a deletionTimestamp) more than the one-minute leeway ago invalidates it too. The user is
 * {@code system:serviceaccount:NS:NAME} with the service account's uid, the groups
 * {@code system:serviceaccounts}, {@code system:serviceaccounts:NS} and
 * {@code system:authenticated}, and as extra the bound pod and node and the credential id
 * ({@code JTI=<jti>}).
 *
 * <p>The objects are read from the registry's watch caches; an object missing there (or with
 * another uid) is read again once the cache has caught up with the store, so a token minted for a
 * pod created a moment ago works at once.
 *
 * <p>Thread model: immutable; any request thread.
 */
public final class ServiceAccountAuthenticator implements TokenAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceAccountAuthenticator.class);

    /** The resources a token's claims name. */
    public record Resources(ResourceType serviceAccounts, ResourceType pods, ResourceType secrets, ResourceType nodes) {
    }

    private final TokenVerifier verifier;
    private final ObjectSource objects;
    private final Resources resources;
    private final Clock clock;

    public ServiceAccountAuthenticator(TokenVerifier verifier, ObjectSource objects, Resources resources, Clock clock) {
        this.verifier = verifier;
        this.objects = objects;
        this.resources = resources;
        this.clock = clock;
    }

    @Override
    public Optional<UserInfo> user(String token) {
        return switch (verifier.verify(token)) {
            case TokenVerifier.Result.NotOurs n -> Optional.empty();
            case TokenVerifier.Result.Invalid i -> {
                LOG.debug("service-account token refused: {}", i.reason());
                yield Optional.empty();
            }
            case TokenVerifier.Result.Valid v -> {
                Optional<String> problem = stillBound(v.claims());
                if (problem.isPresent()) {
                    LOG.debug("service-account token of {} refused: {}", v.claims().subject(), problem.get());
                    yield Optional.empty();
                }
                yield Optional.of(user(v.claims()));
            }
        };
    }

    /** Why the token no longer holds, if it does not. */
    Optional<String> stillBound(TokenClaims c) {
        Instant deletedBefore = clock.instant().minus(TokenVerifier.LEEWAY);
        Optional<String> sa = check(resources.serviceAccounts(), c.namespace(), c.serviceAccount(), deletedBefore, "service account");
        if (sa.isPresent()) {
            return sa;
        }
        if (c.secret().isPresent()) {
            Optional<String> s = check(resources.secrets(), c.namespace(), c.secret().get(), deletedBefore, "secret");
            if (s.isPresent()) {
                return s;
            }
        }
        if (c.pod().isPresent()) {
            return check(resources.pods(), c.namespace(), c.pod().get(), deletedBefore, "pod");
        }
        // A node in a pod-bound token is information only; a Node-bound token needs the node.
        if (c.node().isPresent()) {
            return check(resources.nodes(), null, c.node().get(), deletedBefore, "node");
        }
        return Optional.empty();
    }

    private Optional<String> check(ResourceType type, String namespace, TokenClaims.ObjectIdentity claim, Instant deletedBefore,
                                   String what) {
        Optional<ObjectNode> object = objects.get(type, namespace, claim.name());
        if (object.isEmpty() || !claim.uid().equals(uid(object.get()))) {
            object = objects.getFresh(type, namespace, claim.name());
        }
        if (object.isEmpty()) {
            return Optional.of(what + " " + claim.name() + " no longer exists: the token has been invalidated");
        }
        String uid = uid(object.get());
        if (!claim.uid().equals(uid)) {
            return Optional.of(what + " UID (" + uid + ") does not match the claim (" + claim.uid() + ")");
        }
        String deleted = object.get().path("metadata").path("deletionTimestamp").asString("");
        if (!deleted.isEmpty()) {
            try {
                if (Instant.parse(deleted).isBefore(deletedBefore)) {
                    return Optional.of(what + " " + claim.name() + " has been deleted: the token has been invalidated");
                }
            } catch (DateTimeParseException e) {
                return Optional.of(what + " " + claim.name() + " is being deleted");
            }
        }
        return Optional.empty();
    }

    private static String uid(ObjectNode object) {
        return object.path("metadata").path("uid").asString("");
    }

    static UserInfo user(TokenClaims c) {
        Map<String, List<String>> extra = new LinkedHashMap<>();
        c.pod().ifPresent(p -> {
            extra.put(ServiceAccounts.EXTRA_POD_NAME, List.of(p.name()));
            extra.put(ServiceAccounts.EXTRA_POD_UID, List.of(p.uid()));
        });
        c.node().ifPresent(n -> {
            extra.put(ServiceAccounts.EXTRA_NODE_NAME, List.of(n.name()));
            extra.put(ServiceAccounts.EXTRA_NODE_UID, List.of(n.uid()));
        });
        if (!c.id().isEmpty()) {
            extra.put(ServiceAccounts.EXTRA_CREDENTIAL_ID, List.of("JTI=" + c.id()));
        }
        return new UserInfo(c.subject(), ServiceAccounts.groups(c.namespace()), c.serviceAccount().uid(), extra);
    }
}
