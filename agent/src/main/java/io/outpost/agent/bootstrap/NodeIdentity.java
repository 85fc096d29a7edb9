package io.outpost.agent.bootstrap;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.SSLContext;

/**
 * Who the node is to the API server: its key and certificate chain
 * ({@code CN=system:node:<name>}, {@code O=system:nodes}, leaf first) and the cluster CA it
 * trusts the server by. Immutable; a renewal makes a new one (see {@link CertificateRotator}).
 *
 * @param nodeName the node's name
 * @param key      the node's private key (P-256)
 * @param chain    the node's certificate, then any intermediates, as the signer answered
 * @param ca       the cluster CA, pinned by the join token
 */
public record NodeIdentity(String nodeName, PrivateKey key, List<X509Certificate> chain, X509Certificate ca) {

    public NodeIdentity {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a node identity needs a certificate");
        }
        Objects.requireNonNull(ca, "ca");
    }

    /** The node's own certificate. */
    public X509Certificate certificate() {
        return chain.getFirst();
    }

    public Instant notBefore() {
        return certificate().getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return certificate().getNotAfter().toInstant();
    }

    /**
     * A TLS context presenting this identity and trusting only the cluster CA, for HTTPS
     * clients and the tunnel's WebSocket. It is fixed to this identity;
     * {@link CertificateRotator#sslContext()} follows renewals.
     */
    public SSLContext sslContext() {
        return TlsContexts.mutual(() -> this);
    }
}
