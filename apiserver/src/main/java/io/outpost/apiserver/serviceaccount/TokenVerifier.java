package io.outpost.apiserver.serviceaccount;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Checks a bearer token the way kube's service-account authenticator does before it looks at
 * any object ({@code pkg/serviceaccount/jwt.go} {@code AuthenticateToken} and the go-jose
 * {@code Claims.Validate} it calls): a JWS with our issuer, an ES256 signature by our key, an
 * audience the API server accepts, and {@code nbf <= now < exp} give or take go-jose's default
 * leeway of one minute (clocks of issuers and verifiers drift). Whether the service account and
 * the bound object still exist is {@link ServiceAccountAuthenticator}'s part.
 *
 * <p>A token that is not a JWT or names another issuer is {@link Result.NotOurs} (kube lets the
 * next authenticator try it); one of ours that fails a check is {@link Result.Invalid}.
 *
 * <p>Thread model: immutable; any thread.
 */
public final class TokenVerifier {

    static final Duration LEEWAY = Duration.ofMinutes(1);

    /** The outcome of {@link #verify}. */
    public sealed interface Result {
        record Valid(TokenClaims claims) implements Result {
        }

        record NotOurs() implements Result {
        }

        /** {@code reason} is for the server's log; it never contains the token. */
        record Invalid(String reason) implements Result {
        }
    }

    private final TokenIssuer issuer;
    private final ECDSAVerifier verifier;
    private final Clock clock;

    public TokenVerifier(TokenIssuer issuer, Clock clock) {
        this.issuer = issuer;
        this.clock = clock;
        try {
            this.verifier = new ECDSAVerifier(issuer.key().publicKey());
        } catch (JOSEException e) {
            throw new IllegalStateException("the service-account key cannot verify: " + e.getMessage(), e);
        }
    }

    public Result verify(String token) {
        SignedJWT jwt;
        JWTClaimsSet set;
        try {
            jwt = SignedJWT.parse(token);
            set = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return new Result.NotOurs();
        }
        if (!issuer.issuer().equals(set.getIssuer())) {
            return new Result.NotOurs();
        }
        try {
            if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                return new Result.Invalid("invalid signature");
            }
        } catch (JOSEException e) {
            return new Result.Invalid("invalid signature: " + e.getMessage());
        }
        Instant now = clock.instant();
        Date exp = set.getExpirationTime();
        Date nbf = set.getNotBeforeTime();
        Date iat = set.getIssueTime();
        if (exp == null || !now.isBefore(exp.toInstant().plus(LEEWAY))) {
            return new Result.Invalid("the token has expired");
        }
        if (nbf != null && now.plus(LEEWAY).isBefore(nbf.toInstant())) {
            return new Result.Invalid("the token is not valid yet");
        }
        if (iat != null && now.plus(LEEWAY).isBefore(iat.toInstant())) {
            return new Result.Invalid("the token was issued in the future");
        }
        List<String> audiences = set.getAudience();
        if (audiences.stream().noneMatch(issuer.apiAudiences()::contains)) {
            return new Result.Invalid("token audiences " + audiences + " is invalid for the target audience " + issuer.apiAudiences());
        }
        try {
            return claims(set, audiences, exp, iat == null ? (nbf == null ? now : nbf.toInstant()) : iat.toInstant());
        } catch (ParseException | RuntimeException e) {
            return new Result.Invalid("malformed kubernetes.io claim: " + e.getMessage());
        }
    }

    private static Result claims(JWTClaimsSet set, List<String> audiences, Date exp, Instant issuedAt) throws ParseException {
        Map<String, Object> k = set.getJSONObjectClaim(TokenIssuer.PRIVATE_CLAIM);
        if (k == null) {
            return new Result.Invalid("no kubernetes.io claim");
        }
        String namespace = string(k.get("namespace"));
        Optional<TokenClaims.ObjectIdentity> sa = identity(k.get("serviceaccount"));
        if (namespace.isEmpty() || sa.isEmpty()) {
            return new Result.Invalid("the kubernetes.io claim names no namespace or service account");
        }
        // The subject must agree with the private claim (kube's validator reads the private claim only,
        // but a token of ours always has both).
        if (!ServiceAccounts.userName(namespace, sa.get().name()).equals(set.getSubject())) {
            return new Result.Invalid("the subject does not match the kubernetes.io claim");
        }
        Optional<Instant> warnAfter = k.get("warnafter") instanceof Number n ? Optional.of(Instant.ofEpochSecond(n.longValue()))
                : Optional.empty();
        String id = set.getJWTID() == null ? "" : set.getJWTID(); // tokens of kube before 1.29 have none
        return new Result.Valid(new TokenClaims(namespace, sa.get(), identity(k.get("pod")), identity(k.get("secret")),
                identity(k.get("node")), audiences, issuedAt, exp.toInstant(), warnAfter, id));
    }

    private static Optional<TokenClaims.ObjectIdentity> identity(Object claim) {
        if (!(claim instanceof Map<?, ?> m) || string(m.get("name")).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TokenClaims.ObjectIdentity(string(m.get("name")), string(m.get("uid"))));
    }

    private static String string(Object o) {
        return o instanceof String s ? s : "";
    }
}
