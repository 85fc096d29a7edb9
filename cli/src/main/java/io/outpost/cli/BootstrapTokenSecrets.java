package io.outpost.cli;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.nio.charset.StandardCharsets;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.outpost.api.JoinToken;
import io.outpost.apiserver.auth.BootstrapTokens;

/**
 * Bootstrap tokens as Kubernetes keeps them (kubeadm's {@code bootstraptoken/v1} and kube's
 * {@code bootstrapapi}): a Secret {@code kube-system/bootstrap-token-<id>} of type
 * {@code bootstrap.kubernetes.io/token} with {@code token-id}, {@code token-secret},
 * {@code usage-bootstrap-authentication: "true"}, an optional {@code expiration} (RFC 3339) and
 * {@code description}, and {@code auth-extra-groups}. The API server's {@link BootstrapTokens}
 * authenticates them; {@code kubeadm token list} would list these too.
 */
final class BootstrapTokenSecrets {

    /** kubeadm's default extra group for node join tokens. */
    static final String DEFAULT_GROUP = "system:bootstrappers:outpost:default-node-token";

    private BootstrapTokenSecrets() {
    }

    static String name(String id) {
        return BootstrapTokens.SECRET_PREFIX + id;
    }

    static Secret of(JoinToken token, Optional<Instant> expiration, String description) {
        SecretBuilder b = new SecretBuilder()
                .withNewMetadata().withNamespace(BootstrapTokens.NAMESPACE).withName(name(token.id())).endMetadata()
                .withType(BootstrapTokens.SECRET_TYPE)
                .addToStringData("token-id", token.id())
                .addToStringData("token-secret", token.secret())
                .addToStringData("usage-bootstrap-authentication", "true")
                .addToStringData("auth-extra-groups", DEFAULT_GROUP);
        expiration.ifPresent(e -> b.addToStringData("expiration", e.truncatedTo(ChronoUnit.SECONDS).toString()));
        if (!description.isEmpty()) {
            b.addToStringData("description", description);
        }
        return b.build();
    }

    /** A decoded data value of a stored Secret; empty if absent. */
    static String data(Secret secret, String key) {
        String v = secret.getData() == null ? null : secret.getData().get(key);
        return v == null ? "" : new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8);
    }

    /** Whether a Secret is a bootstrap token's. */
    static boolean isToken(Secret secret) {
        return BootstrapTokens.SECRET_TYPE.equals(secret.getType())
                && secret.getMetadata().getName().startsWith(BootstrapTokens.SECRET_PREFIX);
    }

    static List<String> groups(Secret secret) {
        String g = data(secret, "auth-extra-groups");
        return g.isEmpty() ? List.of() : List.of(g.split(","));
    }
}
