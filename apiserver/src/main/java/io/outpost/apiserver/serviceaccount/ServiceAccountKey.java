package io.outpost.apiserver.serviceaccount;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;

import io.outpost.apiserver.pki.Pem;

/**
 * The key service-account tokens are signed with: ECDSA P-256 (ES256), kept as
 * {@code DIR/tls/service.key} like k3s's {@code server/tls/service.key}. Made on the first start
 * and kept across restarts, so that tokens handed out before a restart still authenticate; a
 * server sharing a datastore with others must share this file too (kube-apiserver's
 * {@code --service-account-key-file} / {@code --service-account-signing-key-file}).
 *
 * <p>The key id is kube's: the unpadded base64url SHA-256 of the public key's DER encoding
 * ({@code pkg/serviceaccount/jwt.go keyIDFromPublicKey}), so a verifier can pick the key from the
 * JWKS document by the token's {@code kid} header.
 *
 * <p>Thread model: immutable.
 */
public final class ServiceAccountKey {

    public static final String FILE = "service.key";

    private static final Logger LOG = LoggerFactory.getLogger(ServiceAccountKey.class);

    private final ECPrivateKey privateKey;
    private final ECPublicKey publicKey;
    private final String keyId;

    private ServiceAccountKey(KeyPair pair) {
        this.privateKey = (ECPrivateKey) pair.getPrivate();
        this.publicKey = (ECPublicKey) pair.getPublic();
        this.keyId = keyId(publicKey);
    }

    /** A new random key (tests; {@link #loadOrCreate} for the server). */
    public static ServiceAccountKey generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return new ServiceAccountKey(generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has EC P-256", e);
        }
    }

    /**
     * Reads {@code dir/service.key}, or makes it (mode 0600) if it does not exist.
     *
     * @throws IOException if it cannot be read or written, or holds no EC P-256 key
     */
    public static ServiceAccountKey loadOrCreate(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            ServiceAccountKey key = generate();
            Files.createDirectories(dir);
            Pem.writePrivate(file, Pem.sec1(key.privateKey, key.publicKey));
            LOG.info("made the service-account signing key {}", file);
            return key;
        }
        Object object;
        try (PEMParser parser = new PEMParser(new StringReader(Files.readString(file, StandardCharsets.US_ASCII)))) {
            object = parser.readObject();
        }
        if (!(object instanceof PEMKeyPair pair)) {
            throw new IOException(file + " holds no EC private key (BEGIN EC PRIVATE KEY): restore it from a backup,"
                    + " or remove it to make a new one (every service-account token handed out stops authenticating)");
        }
        KeyPair keys = new JcaPEMKeyConverter().getKeyPair(pair);
        if (!(keys.getPrivate() instanceof ECPrivateKey ec) || ec.getParams().getOrder().bitLength() != 256) {
            throw new IOException(file + " is not an EC P-256 key: remove it to make a new one");
        }
        return new ServiceAccountKey(keys);
    }

    ECPrivateKey privateKey() {
        return privateKey;
    }

    ECPublicKey publicKey() {
        return publicKey;
    }

    public String keyId() {
        return keyId;
    }

    /** The public key as a JWK, as {@code /openid/v1/jwks} lists it. */
    public ECKey publicJwk() {
        return new ECKey.Builder(Curve.P_256, publicKey).keyID(keyId).keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.ES256).build();
    }

    private static String keyId(ECPublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
