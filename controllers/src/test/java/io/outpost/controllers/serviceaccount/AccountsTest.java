package io.outpost.controllers.serviceaccount;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.outpost.testing.FakeClock;

class AccountsTest {

    static final FakeClock CLOCK = new FakeClock();

    static Namespace ns(String phase, boolean deleting) {
        return new NamespaceBuilder().withNewMetadata().withName("team")
                .withDeletionTimestamp(deleting ? CLOCK.instant().toString() : null).endMetadata()
                .withNewStatus().withPhase(phase).endStatus().build();
    }

    record Case(String name, Namespace namespace, Set<String> existing, List<String> created) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("An Active namespace without a default account gets one", ns("Active", false), Set.of(), List.of("default")),
                new Case("A namespace whose phase is not yet set counts as Active", ns(null, false), Set.of(), List.of("default")),
                new Case("A namespace that has its default account gets nothing", ns("Active", false), Set.of("default"), List.of()),
                new Case("Other accounts do not stand in for the default one", ns("Active", false), Set.of("builder"), List.of("default")),
                new Case("A Terminating namespace gets nothing", ns("Terminating", false), Set.of(), List.of()),
                new Case("A namespace being deleted gets nothing, even before its phase says so", ns("Active", true), Set.of(),
                        List.of()));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void theDefaultAccountIsEnsuredInActiveNamespacesOnly(Case c) {
        List<ServiceAccount> missing = Accounts.missing(c.namespace(), c.existing()::contains);
        assertThat(missing).extracting(sa -> sa.getMetadata().getName()).containsExactlyElementsOf(c.created());
        assertThat(missing).allSatisfy(sa -> assertThat(sa.getMetadata().getNamespace()).isEqualTo("team"));
    }

    record Failure(String name, KubernetesClientException error, boolean settled) {
        @Override
        public String toString() {
            return name;
        }
    }

    static KubernetesClientException refused(int code, String causeReason) {
        var status = new StatusBuilder().withCode(code).withNewDetails().withName("default").withKind("serviceaccounts");
        if (causeReason != null) {
            status = status.addNewCause().withReason(causeReason).withField("metadata.namespace").endCause();
        }
        return new KubernetesClientException(status.endDetails().build());
    }

    static Stream<Failure> failures() {
        return Stream.of(
                new Failure("An account created meanwhile by someone else is done", refused(409, null), true),
                new Failure("A create refused because the namespace is terminating is done", refused(403, "NamespaceTerminating"), true),
                new Failure("Any other refusal is retried", refused(403, null), false),
                new Failure("A server error is retried", refused(500, null), false));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void onlyFailuresThatRetryingCannotChangeAreSettled(Failure f) {
        assertThat(Accounts.settled(f.error())).isEqualTo(f.settled());
    }
}
