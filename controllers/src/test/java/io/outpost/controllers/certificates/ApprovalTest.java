package io.outpost.controllers.certificates;

import static io.outpost.controllers.certificates.TestCsrs.CLIENT;
import static io.outpost.controllers.certificates.TestCsrs.KUBELET;
import static io.outpost.controllers.certificates.TestCsrs.NODE_A;
import static io.outpost.controllers.certificates.TestCsrs.NODE_USAGES;
import static io.outpost.controllers.certificates.TestCsrs.csr;
import static io.outpost.controllers.certificates.TestCsrs.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;

/** What the CSR approver approves, as kube's csrapproving with its default bindings. */
class ApprovalTest {

    private static final List<String> BOOTSTRAPPER = List.of("system:bootstrappers", "system:authenticated");
    private static final List<String> NODE = List.of("system:nodes", "system:authenticated");

    record Case(String sentence, CertificateSigningRequest csr, Optional<String> message) {
        @Override
        public String toString() {
            return sentence;
        }
    }

    static Stream<Case> cases() {
        String bootstrap = "Auto approving kubelet client certificate after SubjectAccessReview.";
        String self = "Auto approving self kubelet client certificate after SubjectAccessReview.";
        return Stream.of(
                new Case("A join token's node client request is approved",
                        csr(KUBELET, NODE_A, NODE_USAGES, "system:bootstrap:abcdef", BOOTSTRAPPER, null), Optional.of(bootstrap)),
                new Case("A node's renewal of its own certificate is approved",
                        csr(KUBELET, NODE_A, NODE_USAGES, "system:node:a", NODE, null), Optional.of(self)),
                new Case("A node asking for another node's certificate is not approved",
                        csr(KUBELET, request(List.of("system:nodes"), "system:node:b"), NODE_USAGES, "system:node:a", NODE, null),
                        Optional.empty()),
                new Case("A node name outside system:nodes is not approved",
                        csr(KUBELET, NODE_A, NODE_USAGES, "system:node:a", List.of("dev"), null), Optional.empty()),
                new Case("Anyone else's node client request waits for a person",
                        csr(KUBELET, NODE_A, NODE_USAGES, "jane", List.of("dev"), null), Optional.empty()),
                new Case("A join token's request for a non-node subject is not approved",
                        csr(KUBELET, request(List.of("system:masters"), "system:node:a"), NODE_USAGES, "system:bootstrap:x", BOOTSTRAPPER, null),
                        Optional.empty()),
                new Case("A join token's request for a serving usage is not approved",
                        csr(KUBELET, NODE_A, List.of("digital signature", "server auth"), "system:bootstrap:x", BOOTSTRAPPER, null),
                        Optional.empty()),
                new Case("A join token's request to another signer is not approved",
                        csr(CLIENT, NODE_A, NODE_USAGES, "system:bootstrap:x", BOOTSTRAPPER, null), Optional.empty()),
                new Case("A request already approved is left alone",
                        csr(KUBELET, NODE_A, NODE_USAGES, "system:bootstrap:x", BOOTSTRAPPER, null, "Approved"), Optional.empty()),
                new Case("A denied request stays denied",
                        csr(KUBELET, NODE_A, NODE_USAGES, "system:bootstrap:x", BOOTSTRAPPER, null, "Denied"), Optional.empty()),
                new Case("A request that is not PEM is not approved",
                        csr(KUBELET, "bm90IGEgcmVxdWVzdA==", NODE_USAGES, "system:bootstrap:x", BOOTSTRAPPER, null), Optional.empty()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(Case c) {
        Optional<Approval> approval = Approval.decide(c.csr());
        assertThat(approval.map(Approval::message)).isEqualTo(c.message());
        approval.ifPresent(a -> assertThat(a.reason()).isEqualTo("AutoApproved"));
    }
}
