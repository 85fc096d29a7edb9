package io.outpost.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.outpost.api.JoinToken;
import io.outpost.apiserver.auth.BootstrapTokens;
import io.outpost.apiserver.pki.Pem;

/**
 * {@code DATA/node-token}: the join token that {@code outpost agent --token} takes, in the form
 * {@code K10<sha256 of the CA bundle>::<id>.<secret>} (k3s's secure token; see {@link JoinToken}).
 * Made on first start (mode 0600) with a bootstrap-token Secret that never expires; kept across
 * restarts; its Secret is made again if someone deleted it (the file is what operators copy, so it
 * stays valid), and the hash is rewritten if the CA changed. {@code outpost token delete <id>}
 * of this token therefore lasts only until the next restart: remove the file too to retire it.
 *
 * <p>Thread model: called once by the server's starting thread, over the admin loopback client.
 */
final class NodeToken {

    static final String FILE = "node-token";
    private static final Logger LOG = LoggerFactory.getLogger(NodeToken.class);

    private NodeToken() {
    }

    /**
     * Makes sure the file and its Secret exist and pin {@code caBundle}.
     *
     * @throws StartupFailure naming the file and the fix
     */
    static JoinToken ensure(KubernetesClient client, Path dataDir, String caBundle) {
        Path file = dataDir.resolve(FILE);
        JoinToken token;
        try {
            Optional<JoinToken> stored = read(file);
            token = stored.orElseGet(JoinToken::generate).pinning(caBundle);
            if (stored.isEmpty() || !stored.get().text().equals(token.text())) {
                Pem.writePrivate(file, token.text() + "\n");
                LOG.info("wrote the node join token to {}", file);
            }
        } catch (IOException e) {
            throw new StartupFailure("cannot write " + file + ": " + DataDir.describe(e), e);
        }
        Secret existing = client.secrets().inNamespace(BootstrapTokens.NAMESPACE).withName(BootstrapTokenSecrets.name(token.id())).get();
        if (existing == null || !BootstrapTokenSecrets.data(existing, "token-secret").equals(token.secret())) {
            Secret secret = BootstrapTokenSecrets.of(token, Optional.empty(), "the join token of " + file + ", made by outpost server");
            try {
                if (existing == null) {
                    client.secrets().inNamespace(BootstrapTokens.NAMESPACE).resource(secret).create();
                } else {
                    client.secrets().inNamespace(BootstrapTokens.NAMESPACE).resource(secret).update();
                }
            } catch (KubernetesClientException e) {
                throw new StartupFailure("cannot store the join token of " + file + " as the Secret "
                        + BootstrapTokens.NAMESPACE + "/" + secret.getMetadata().getName() + ": " + e.getMessage(), e);
            }
            LOG.info("{} the Secret {}/{} of the join token in {}", existing == null ? "made" : "repaired",
                    BootstrapTokens.NAMESPACE, secret.getMetadata().getName(), file);
        }
        return token;
    }

    /** The token in {@code file}; empty if there is none or it cannot be read as one (it is then replaced). */
    private static Optional<JoinToken> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JoinToken.parse(Files.readString(file, StandardCharsets.US_ASCII)));
        } catch (IllegalArgumentException e) {
            LOG.warn("{} does not hold a join token ({}); making a new one", file, e.getMessage());
            return Optional.empty();
        }
    }
}
