package io.outpost.agent.bootstrap;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.outpost.api.JoinToken;

/**
 * Joins the node to the cluster, or finds it already joined (kubelet's
 * {@code LoadClientCert} bootstrap, k3s's agent CA pinning):
 * <ol>
 * <li>A stored identity in {@code DATA/pki} that is whole, for this node, signed by the stored CA
 *     and not expired is reused, unless the token pins another CA (the cluster was rebuilt).
 * <li>Otherwise {@code GET /cacerts} answers the CA bundle over a connection that trusts nothing
 *     yet; its SHA-256 must equal the hash in the token ({@code K10<hash>::...}), or the join stops
 *     before the token is sent anywhere.
 * <li>A new P-256 key and a CSR for {@code CN=system:node:<name>, O=system:nodes} go to the
 *     server over a connection that trusts only that CA, authenticated by the token; the server
 *     approves and signs it; key, certificate and CA are stored.
 * </ol>
 *
 * <p>Thread model: {@link #join} blocks its caller until the identity is ready or the join fails;
 * call it once at agent start, before anything else uses the data dir's {@code pki}.
 */
public final class Bootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);
    private static final Duration CA_TIMEOUT = Duration.ofSeconds(30);
    /** kube's node names: RFC 1123 subdomains. */
    private static final java.util.regex.Pattern NODE_NAME =
            java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private Bootstrap() {
    }

    /**
     * The node's identity: the stored one if usable, else a new one from the server.
     *
     * @throws BootstrapException naming the flag and the fix: a malformed or refused token, a CA
     *                            whose hash is not the token's, an unreachable server, a denied CSR
     */
    public static NodeIdentity join(BootstrapConfig config) throws BootstrapException, InterruptedException {
        if (!NODE_NAME.matcher(config.nodeName()).matches() || config.nodeName().length() > 253) {
            throw new BootstrapException("--node-name '" + config.nodeName() + "': a node name is a DNS subdomain: lower-case"
                    + " letters, digits, '-' and '.', starting and ending with a letter or digit (like edge-01 or gw.site-12)");
        }
        IdentityFiles files = new IdentityFiles(config.pkiDir());
        Optional<JoinToken> token = config.token().isEmpty() ? Optional.empty() : Optional.of(parse(config.token()));
        Optional<NodeIdentity> stored = files.load(config.nodeName(), config.clock().instant());
        if (stored.isPresent() && sameCa(files, token)) {
            LOG.info("node {}: using the stored certificate (valid until {})", config.nodeName(), stored.get().notAfter());
            return stored.get();
        }
        if (token.isEmpty()) {
            throw new BootstrapException("the node has no usable certificate in " + config.pkiDir()
                    + " and no --token to join with: pass --token with the server's DATA/node-token or a token from"
                    + " 'outpost token create'");
        }
        if (token.get().caHash().isEmpty()) {
            throw new BootstrapException("--token " + token.get().id() + ".<secret> does not pin the cluster CA: pass the full"
                    + " K10<sha256 of the CA>::<id>.<secret> form, as DATA/node-token or 'outpost token create' prints it");
        }
        String bundle = fetchCa(config.server());
        String actual = JoinToken.hash(bundle);
        if (!actual.equals(token.get().caHash().get())) {
            throw new BootstrapException("the CA of --server " + config.server() + " has SHA-256 " + actual
                    + ", but --token pins " + token.get().caHash().get() + ": the token belongs to another cluster, or"
                    + " something other than the cluster answers at that address. Copy --token again from the server's"
                    + " DATA/node-token (or 'outpost token create'); the join stopped and the token was not sent");
        }
        X509Certificate ca = readCa(bundle);
        KeyPair keys = NodeCertificates.newKey();
        List<X509Certificate> chain;
        try (CsrClient csrs = new CsrClient(config, TlsContexts.trusting(ca), Optional.of(token.get().bearer()))) {
            chain = csrs.requestCertificate(keys);
        }
        NodeIdentity identity = new NodeIdentity(config.nodeName(), keys.getPrivate(), chain, ca);
        String problem = NodeCertificates.problem(identity, config.clock().instant());
        if (problem != null) {
            throw new BootstrapException("the server signed a node certificate that cannot be used: " + problem);
        }
        try {
            files.storeCa(bundle);
            files.store(identity);
        } catch (IOException e) {
            throw new BootstrapException("--data-dir " + config.dataDir() + ": cannot store the node identity in "
                    + config.pkiDir() + " (" + e.getMessage() + "); pass a folder this user may write in", e);
        }
        LOG.info("node {} joined: certificate {} valid until {}", config.nodeName(),
                identity.certificate().getSubjectX500Principal().getName(), identity.notAfter());
        return identity;
    }

    private static JoinToken parse(String text) throws BootstrapException {
        try {
            return JoinToken.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BootstrapException("--token: " + e.getMessage());
        }
    }

    /** Whether the stored CA is the one the token pins (true when there is no pin to compare). */
    private static boolean sameCa(IdentityFiles files, Optional<JoinToken> token) {
        Optional<String> pin = token.flatMap(JoinToken::caHash);
        if (pin.isEmpty()) {
            return true;
        }
        try {
            boolean same = files.caBundle().map(JoinToken::hash).filter(pin.get()::equals).isPresent();
            if (!same) {
                LOG.info("--token pins another CA than the stored one; joining again");
            }
            return same;
        } catch (IOException e) {
            return false;
        }
    }

    /** The server's CA bundle, read without trusting the connection (its hash is checked next). */
    static String fetchCa(URI server) throws BootstrapException, InterruptedException {
        String base = server.toString().endsWith("/") ? server.toString().substring(0, server.toString().length() - 1)
                : server.toString();
        if (!server.getScheme().equalsIgnoreCase("https")) {
            throw new BootstrapException("--server " + server + ": must be https://HOST:PORT");
        }
        HttpsCalls.Response response;
        try {
            response = new HttpsCalls(TlsContexts.unverified(), CA_TIMEOUT, Map.of()).get(URI.create(base + "/cacerts"));
        } catch (IOException e) {
            throw CsrClient.unreachable(server, "fetch the cluster CA", e);
        }
        if (response.status() != 200) {
            throw new BootstrapException("--server " + server + " answered " + response.status() + " to GET /cacerts:"
                    + " is it an outpost server?");
        }
        return new String(response.body(), StandardCharsets.US_ASCII);
    }

    private static X509Certificate readCa(String bundle) throws BootstrapException {
        try {
            return Pems.certificates(bundle).getFirst();
        } catch (IOException e) {
            throw new BootstrapException("the CA bundle of --server cannot be read: " + e.getMessage(), e);
        }
    }
}
