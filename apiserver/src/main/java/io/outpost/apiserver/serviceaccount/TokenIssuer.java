package io.outpost.apiserver.serviceaccount;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Signs service-account tokens (kube's {@code pkg/serviceaccount/jwt.go JWTTokenGenerator}): a
 * compact JWS, ES256, with the signing key's id in {@code kid}.
 *
 * <p>Thread model: immutable; any thread.
 */
public final class TokenIssuer {

    /** kube-apiserver's usual {@code --service-account-issuer} (kubeadm, k3s), also the default API audience. */
    public static final String DEFAULT_ISSUER = "https://kubernetes.default.svc.cluster.local";
    static final String PRIVATE_CLAIM = "kubernetes.io";

    private final ServiceAccountKey key;
    private final String issuer;
    private final List<String> apiAudiences;

    /**
     * @param issuer       the {@code iss} of every token, and the OIDC discovery document's issuer
     * @param apiAudiences the audiences the API server accepts (kube's {@code --api-audiences},
     *                     which defaults to the issuer); a TokenRequest without audiences gets these
     */
    public TokenIssuer(ServiceAccountKey key, String issuer, List<String> apiAudiences) {
        this.key = key;
        this.issuer = issuer;
        this.apiAudiences = List.copyOf(apiAudiences);
    }

    public TokenIssuer(ServiceAccountKey key) {
        this(key, DEFAULT_ISSUER, List.of(DEFAULT_ISSUER));
    }

    public String issuer() {
        return issuer;
    }

    public List<String> apiAudiences() {
        return apiAudiences;
    }

    public ServiceAccountKey key() {
        return key;
    }

    /** The signed token. A token is a secret: never log what this returns. */
    public String mint(TokenClaims claims) {
        Map<String, Object> kubernetes = new LinkedHashMap<>();
        kubernetes.put("namespace", claims.namespace());
        claims.node().ifPresent(n -> kubernetes.put("node", identity(n)));
        claims.pod().ifPresent(p -> kubernetes.put("pod", identity(p)));
        claims.secret().ifPresent(s -> kubernetes.put("secret", identity(s)));
        kubernetes.put("serviceaccount", identity(claims.serviceAccount()));
        claims.warnAfter().ifPresent(w -> kubernetes.put("warnafter", w.getEpochSecond()));
        JWTClaimsSet set = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(claims.subject())
                .audience(claims.audiences())
                .issueTime(Date.from(claims.issuedAt()))
                .notBeforeTime(Date.from(claims.issuedAt()))
                .expirationTime(Date.from(claims.expiresAt()))
                .jwtID(claims.id())
                .claim(PRIVATE_CLAIM, kubernetes)
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.keyId()).build(), set);
        try {
            jwt.sign(new ECDSASigner(key.privateKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a service-account token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    private static Map<String, Object> identity(TokenClaims.ObjectIdentity id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", id.name());
        m.put("uid", id.uid());
        return m;
    }
}
