package io.outpost.agent.bootstrap;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The agent's TLS contexts: one that trusts nothing yet (only to fetch the CA bundle, whose hash
 * is then checked), one that trusts the cluster CA only, and one that also presents the node's
 * current identity. Host names are checked against the server certificate whenever the CA is
 * trusted: the clients set endpoint identification "HTTPS" on their sockets ({@link HttpsCalls}
 * through the JDK's default host name verifier, the tunnel's WebSocket explicitly), and the trust
 * manager made here checks it during the handshake.
 */
final class TlsContexts {

    private static final String ALIAS = "node";

    private TlsContexts() {
    }

    /** Trusts the cluster CA only; presents no client certificate (the bootstrap token authenticates). */
    static SSLContext trusting(X509Certificate ca) {
        return context(null, ca);
    }

    /**
     * Presents whatever identity {@code current} gives at each handshake (so a renewal takes effect
     * for every new connection without a new context) and trusts its CA.
     */
    static SSLContext mutual(Supplier<NodeIdentity> current) {
        return context(new IdentityKeyManager(current), current.get().ca());
    }

    /**
     * Accepts any server certificate, without a host name check: only for {@code GET /cacerts},
     * whose answer is checked against the token's hash before anything is trusted or sent (the
     * token itself is never sent over such a connection).
     */
    static SSLContext unverified() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustingNothingYet()}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no TLS", e);
        }
    }

    private static SSLContext context(KeyManager keys, X509Certificate ca) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("cluster-ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : new KeyManager[] {keys}, tmf.getTrustManagers(), new SecureRandom());
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot make a TLS context for the cluster CA", e);
        }
    }

    /** Presents the current identity; the identity's supplier is read at each handshake. */
    private static final class IdentityKeyManager extends X509ExtendedKeyManager {
        private final Supplier<NodeIdentity> current;

        IdentityKeyManager(Supplier<NodeIdentity> current) {
            this.current = current;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {ALIAS};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return ALIAS;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return ALIAS;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? current.get().chain().toArray(X509Certificate[]::new) : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? current.get().key() : null;
        }
    }

    private static final class TrustingNothingYet extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
