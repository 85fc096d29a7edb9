package io.outpost.controllers.certificates;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;

/** When the CSR cleaner deletes a request, as kube's csrcleaner. */
class CleanupTest {

    private static final String CREATED = "2026-11-25T10:00:00Z";

    static CertificateSigningRequest csr(String type, String updated) {
        var b = new CertificateSigningRequestBuilder().withNewMetadata().withName("x").withCreationTimestamp(CREATED).endMetadata()
                .withNewSpec().withSignerName(TestCsrs.KUBELET).endSpec();
        if (type == null) {
            return b.build();
        }
        return b.withNewStatus().addNewCondition().withType(type).withStatus("True").withLastUpdateTime(updated).endCondition()
                .endStatus().build();
    }

    record Case(String sentence, CertificateSigningRequest csr, Optional<String> deadline) {
        @Override
        public String toString() {
            return sentence;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A pending request goes a day after it was made", csr(null, null), Optional.of("2026-11-26T10:00:00Z")),
                new Case("An approved request goes an hour after its approval", csr("Approved", "2026-11-25T10:05:00Z"),
                        Optional.of("2026-11-25T11:05:00Z")),
                new Case("A denied request goes an hour after its denial", csr("Denied", "2026-11-25T10:30:00Z"),
                        Optional.of("2026-11-25T11:30:00Z")),
                new Case("A failed request goes an hour after its failure", csr("Failed", "2026-11-25T10:10:00Z"),
                        Optional.of("2026-11-25T11:10:00Z")),
                new Case("A decision without a time counts from the request's creation", csr("Approved", null),
                        Optional.of("2026-11-25T11:00:00Z")),
                new Case("Another condition type leaves the request pending", csr("Stuck", "2026-11-25T10:05:00Z"),
                        Optional.of("2026-11-26T10:00:00Z")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(Case c) {
        assertThat(Cleanup.deadline(c.csr())).isEqualTo(c.deadline().map(Instant::parse));
    }
}
