package io.outpost.apiserver.serviceaccount;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a service-account token says (kube's {@code pkg/serviceaccount/claims.go}): the public
 * claims {@code sub}, {@code aud}, {@code iat}, {@code nbf}, {@code exp}, {@code jti}, and the
 * private {@code kubernetes.io} claim naming the namespace, the service account and the object
 * the token is bound to. A token bound to a pod also names the pod's node when it has one (kube
 * 1.30's ServiceAccountTokenPodNodeInfo); a token bound to a Node names only the node.
 *
 * @param namespace      the service account's namespace
 * @param serviceAccount the service account's name and uid
 * @param pod            the pod the token is bound to
 * @param secret         the Secret the token is bound to
 * @param node           the node the token is bound to, or the node of its pod
 * @param audiences      who the token is for; never empty
 * @param issuedAt       {@code iat} and {@code nbf}
 * @param expiresAt      {@code exp}
 * @param warnAfter      for an extended token (see {@link TokenRequests}): when a verifier should
 *                       start warning that the holder uses a stale token
 * @param id             {@code jti}, the credential id in the authenticated user's extra
 */
public record TokenClaims(String namespace, ObjectIdentity serviceAccount, Optional<ObjectIdentity> pod,
                          Optional<ObjectIdentity> secret, Optional<ObjectIdentity> node, List<String> audiences,
                          Instant issuedAt, Instant expiresAt, Optional<Instant> warnAfter, String id) {

    /** An object's name and uid, as the claim carries them. */
    public record ObjectIdentity(String name, String uid) {
        public ObjectIdentity {
            Objects.requireNonNull(name, "name");
            uid = uid == null ? "" : uid;
        }
    }

    public TokenClaims {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(serviceAccount, "serviceAccount");
        audiences = List.copyOf(audiences);
        if (audiences.isEmpty()) {
            throw new IllegalArgumentException("a token needs an audience");
        }
    }

    /** {@code system:serviceaccount:NS:NAME}, the token's {@code sub} and the user it authenticates as. */
    public String subject() {
        return ServiceAccounts.userName(namespace, serviceAccount.name());
    }
}
