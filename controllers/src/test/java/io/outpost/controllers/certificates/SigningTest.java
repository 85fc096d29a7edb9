package io.outpost.controllers.certificates;

import static io.outpost.controllers.certificates.TestCsrs.CLIENT;
import static io.outpost.controllers.certificates.TestCsrs.KUBELET;
import static io.outpost.controllers.certificates.TestCsrs.NODE_A;
import static io.outpost.controllers.certificates.TestCsrs.NODE_USAGES;
import static io.outpost.controllers.certificates.TestCsrs.csr;
import static io.outpost.controllers.certificates.TestCsrs.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;

/** What the CSR signer signs, and for how long, as kube's csrsigning. */
class SigningTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final Instant CA_END = NOW.plus(Duration.ofDays(3650));
    private static final List<String> USER = List.of("system:bootstrappers");

    record Case(String sentence, CertificateSigningRequest csr, String outcome) {
        @Override
        public String toString() {
            return sentence;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("An approved node client request is signed",
                        csr(KUBELET, NODE_A, NODE_USAGES, "u", USER, null, "Approved"), "Sign"),
                new Case("A pending request is not signed yet", csr(KUBELET, NODE_A, NODE_USAGES, "u", USER, null), "Skip"),
                new Case("A denied request is never signed", csr(KUBELET, NODE_A, NODE_USAGES, "u", USER, null, "Denied"), "Skip"),
                new Case("A failed request is not signed again",
                        csr(KUBELET, NODE_A, NODE_USAGES, "u", USER, null, "Approved", "Failed"), "Skip"),
                new Case("A request for another signer is left to it",
                        csr("example.com/mine", NODE_A, NODE_USAGES, "u", USER, null, "Approved"), "Skip"),
                new Case("An approved client request is signed",
                        csr(CLIENT, request(List.of("dev"), "jane"), List.of("client auth"), "u", USER, null, "Approved"), "Sign"),
                new Case("An approved kubelet request that is not a node's fails",
                        csr(KUBELET, request(List.of("system:masters"), "system:node:a"), NODE_USAGES, "u", USER, null, "Approved"),
                        "Fail:invalid kubelet client certificate request: subject organization is not system:nodes"),
                new Case("A client certificate may not serve",
                        csr(CLIENT, request(List.of("dev"), "jane"), List.of("client auth", "server auth"), "u", USER, null, "Approved"),
                        "Fail:invalid usage for client certificate: server auth"),
                new Case("A client certificate must authenticate clients",
                        csr(CLIENT, request(List.of("dev"), "jane"), List.of("digital signature"), "u", USER, null, "Approved"),
                        "Fail:missing required usage for client certificate: client auth"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(Case c) {
        Signing s = Signing.decide(c.csr(), NOW, Signing.DEFAULT_MAX, CA_END);
        String outcome = switch (s) {
            case Signing.Skip skip -> "Skip";
            case Signing.Sign sign -> "Sign";
            case Signing.Fail fail -> "Fail:" + fail.message();
        };
        assertThat(outcome).isEqualTo(c.outcome());
        if (s instanceof Signing.Fail fail) {
            assertThat(fail.reason()).isEqualTo("SignerValidationFailure");
        }
    }

    record DurationCase(String sentence, Integer expirationSeconds, Duration notBeforeAgo, Duration notAfterIn) {
        @Override
        public String toString() {
            return sentence;
        }
    }

    static Stream<DurationCase> durations() {
        return Stream.of(
                new DurationCase("Without expirationSeconds a certificate lasts the signer's year, less the backdate",
                        null, Duration.ofMinutes(5), Duration.ofDays(365).minusMinutes(5)),
                new DurationCase("A short certificate keeps its whole requested life", 3600, Duration.ofMinutes(5), Duration.ofHours(1)),
                new DurationCase("A long requested life is capped to the signer's year", 10 * 365 * 86400, Duration.ofMinutes(5),
                        Duration.ofDays(365).minusMinutes(5)),
                new DurationCase("A day-long certificate is pulled back by the backdate", 86400, Duration.ofMinutes(5),
                        Duration.ofDays(1).minusMinutes(5)),
                new DurationCase("Less than ten minutes is raised to ten", 60, Duration.ofMinutes(5), Duration.ofMinutes(10)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("durations")
    void validity(DurationCase c) {
        Signing.Sign sign = (Signing.Sign) Signing.decide(csr(KUBELET, NODE_A, NODE_USAGES, "u", USER, c.expirationSeconds(), "Approved"),
                NOW, Signing.DEFAULT_MAX, CA_END);
        assertThat(sign.notBefore()).isEqualTo(NOW.minus(c.notBeforeAgo()));
        assertThat(sign.notAfter()).isEqualTo(NOW.plus(c.notAfterIn()));
    }

    @Test
    void noCertificateOutlivesTheCa() {
        Instant caEnd = NOW.plus(Duration.ofDays(30));
        Signing.Sign sign = (Signing.Sign) Signing.decide(csr(KUBELET, NODE_A, NODE_USAGES, "u", USER, null, "Approved"),
                NOW, Signing.DEFAULT_MAX, caEnd);
        assertThat(sign.notAfter()).isEqualTo(caEnd);
        assertThat(Signing.duration(Duration.ofDays(365), Optional.of(600))).isEqualTo(Duration.ofMinutes(10));
    }
}
