package io.outpost.apiserver.serviceaccount;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.nimbusds.jwt.SignedJWT;

import io.outpost.testing.FakeClock;

/** Signing and checking service-account tokens, on a fake clock. */
class TokenVerifierTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final ServiceAccountKey KEY = ServiceAccountKey.generate();
    private static final TokenIssuer ISSUER = new TokenIssuer(KEY);

    static TokenClaims claims(List<String> audiences, Instant issued, Duration lifetime) {
        return new TokenClaims("apps", new TokenClaims.ObjectIdentity("builder", "sa-uid"),
                Optional.of(new TokenClaims.ObjectIdentity("web-0", "pod-uid")), Optional.empty(),
                Optional.of(new TokenClaims.ObjectIdentity("edge-1", "node-uid")), audiences, issued, issued.plus(lifetime),
                Optional.empty(), "jti-1");
    }

    record Case(String sentence, Function<FakeClock, String> token, Duration later, Class<?> outcome) {
        @Override
        public String toString() {
            return sentence;
        }
    }

    static Stream<Case> cases() {
        Function<FakeClock, String> hour = c -> ISSUER.mint(claims(ISSUER.apiAudiences(), c.instant(), Duration.ofHours(1)));
        return Stream.of(
                new Case("A fresh token of ours is valid", hour, Duration.ZERO, TokenVerifier.Result.Valid.class),
                new Case("A token is valid until just before it expires", hour, Duration.ofMinutes(59), TokenVerifier.Result.Valid.class),
                new Case("A token is still valid within the minute of leeway after it expires", hour, Duration.ofMinutes(60).plusSeconds(59),
                        TokenVerifier.Result.Valid.class),
                new Case("An expired token is invalid", hour, Duration.ofMinutes(61), TokenVerifier.Result.Invalid.class),
                new Case("A token that is not valid yet is invalid",
                        c -> ISSUER.mint(claims(ISSUER.apiAudiences(), c.instant().plus(Duration.ofMinutes(5)), Duration.ofHours(1))),
                        Duration.ZERO, TokenVerifier.Result.Invalid.class),
                new Case("A token issued for another audience is invalid",
                        c -> ISSUER.mint(claims(List.of("vault"), c.instant(), Duration.ofHours(1))), Duration.ZERO,
                        TokenVerifier.Result.Invalid.class),
                new Case("A token with one of its audiences the API's is valid",
                        c -> ISSUER.mint(claims(List.of("vault", TokenIssuer.DEFAULT_ISSUER), c.instant(), Duration.ofHours(1))),
                        Duration.ZERO, TokenVerifier.Result.Valid.class),
                new Case("A token signed by another key with our issuer is invalid",
                        c -> new TokenIssuer(ServiceAccountKey.generate()).mint(claims(ISSUER.apiAudiences(), c.instant(), Duration.ofHours(1))),
                        Duration.ZERO, TokenVerifier.Result.Invalid.class),
                new Case("A token of another issuer is not ours (the next authenticator may know it)",
                        c -> new TokenIssuer(KEY, "https://other.example", List.of("https://other.example"))
                                .mint(claims(List.of("https://other.example"), c.instant(), Duration.ofHours(1))),
                        Duration.ZERO, TokenVerifier.Result.NotOurs.class),
                new Case("A token whose payload was changed after signing is invalid", c -> {
                    String[] parts = hour.apply(c).split("\\.");
                    String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                            new String(java.util.Base64.getUrlDecoder().decode(parts[1])).replace("builder", "admin").getBytes());
                    return parts[0] + "." + forged + "." + parts[2];
                }, Duration.ZERO, TokenVerifier.Result.Invalid.class),
                new Case("A static token that is no JWT is not ours", c -> "abcdef.0123456789abcdef", Duration.ZERO,
                        TokenVerifier.Result.NotOurs.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void verifies(Case c) {
        FakeClock clock = new FakeClock(T0);
        String token = c.token().apply(clock);
        clock.advance(c.later());
        assertThat(new TokenVerifier(ISSUER, clock).verify(token)).isInstanceOf(c.outcome());
    }

    @Test
    void aTokenCarriesKubesClaimsAndTheKeyId() throws Exception {
        String token = ISSUER.mint(claims(ISSUER.apiAudiences(), T0, Duration.ofHours(1)));
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(KEY.keyId());
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
        var set = jwt.getJWTClaimsSet();
        assertThat(set.getIssuer()).isEqualTo("https://kubernetes.default.svc.cluster.local");
        assertThat(set.getSubject()).isEqualTo("system:serviceaccount:apps:builder");
        assertThat(set.getAudience()).containsExactly("https://kubernetes.default.svc.cluster.local");
        assertThat(set.getIssueTime().toInstant()).isEqualTo(T0);
        assertThat(set.getNotBeforeTime().toInstant()).isEqualTo(T0);
        assertThat(set.getExpirationTime().toInstant()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(set.getJWTID()).isEqualTo("jti-1");
        assertThat(set.getJSONObjectClaim("kubernetes.io").toString())
                .contains("namespace=apps", "serviceaccount={name=builder, uid=sa-uid}", "pod={name=web-0, uid=pod-uid}",
                        "node={name=edge-1, uid=node-uid}");
        TokenVerifier.Result r = new TokenVerifier(ISSUER, new FakeClock(T0)).verify(token);
        assertThat(r).isEqualTo(new TokenVerifier.Result.Valid(claims(ISSUER.apiAudiences(), T0, Duration.ofHours(1))));
    }

    @Test
    void theSigningKeyIsKeptAcrossRestarts(@TempDir Path dir) throws Exception {
        ServiceAccountKey first = ServiceAccountKey.loadOrCreate(dir);
        String token = new TokenIssuer(first).mint(claims(ISSUER.apiAudiences(), T0, Duration.ofHours(1)));
        ServiceAccountKey again = ServiceAccountKey.loadOrCreate(dir);
        assertThat(again.keyId()).isEqualTo(first.keyId());
        assertThat(new TokenVerifier(new TokenIssuer(again), new FakeClock(T0)).verify(token)).isInstanceOf(TokenVerifier.Result.Valid.class);
        assertThat(java.nio.file.Files.getPosixFilePermissions(dir.resolve(ServiceAccountKey.FILE)).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
    }
}
