package io.outpost.controllers.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRuleBuilder;

class FailurePolicyTest {

    static ContainerStatus exited(String name, Integer code) {
        var b = new ContainerStatusBuilder().withName(name);
        return code == null ? b.withNewState().withNewRunning().endRunning().endState().build()
                : b.withNewState().withNewTerminated().withExitCode(code).endTerminated().endState().build();
    }

    static Pod pod(List<ContainerStatus> containers, List<ContainerStatus> init, String condition) {
        var b = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").endMetadata()
                .withNewStatus().withPhase("Failed").withContainerStatuses(containers).withInitContainerStatuses(init);
        if (condition != null) {
            b.addToConditions(new PodConditionBuilder().withType(condition).withStatus("True").build());
        }
        return b.endStatus().build();
    }

    static PodFailurePolicyRule exitCodes(String action, String container, String operator, Integer... values) {
        return new PodFailurePolicyRuleBuilder().withAction(action).withNewOnExitCodes().withContainerName(container)
                .withOperator(operator).withValues(values).endOnExitCodes().build();
    }

    static PodFailurePolicyRule condition(String action, String type) {
        return new PodFailurePolicyRuleBuilder().withAction(action).addNewOnPodCondition().withType(type).withStatus("True")
                .endOnPodCondition().build();
    }

    static PodFailurePolicy policy(PodFailurePolicyRule... rules) {
        return new PodFailurePolicyBuilder().withRules(rules).build();
    }

    record Case(String name, PodFailurePolicy policy, Pod pod, String action, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        Pod exit42 = pod(List.of(exited("main", 42)), List.of(), null);
        return Stream.of(
                new Case("An exit code In the values fails the Job with kube's message",
                        policy(exitCodes("FailJob", null, "In", 42)), exit42, "FailJob",
                        "Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 0"),
                new Case("An exit code not in NotIn's values matches",
                        policy(exitCodes("Count", null, "NotIn", 1, 2)), exit42, "Count",
                        "Container main for pod ns/p failed with exit code 42 matching Count rule at index 0"),
                new Case("An exit code in NotIn's values does not match", policy(exitCodes("FailJob", null, "NotIn", 42)), exit42, null, null),
                new Case("A rule naming another container does not match",
                        policy(exitCodes("FailJob", "sidecar", "In", 42)), exit42, null, null),
                new Case("Exit code 0 never matches, even NotIn",
                        policy(exitCodes("FailJob", null, "NotIn", 1)), pod(List.of(exited("main", 0)), List.of(), null), null, null),
                new Case("A container still running has no exit code to match",
                        policy(exitCodes("FailJob", null, "NotIn", 1)), pod(List.of(exited("main", null)), List.of(), null), null, null),
                new Case("Init containers are looked at after the containers",
                        policy(exitCodes("FailJob", "setup", "In", 3)), pod(List.of(), List.of(exited("setup", 3)), null), "FailJob",
                        "Container setup for pod ns/p failed with exit code 3 matching FailJob rule at index 0"),
                new Case("The first matching rule decides",
                        policy(exitCodes("Ignore", null, "In", 7), exitCodes("FailJob", null, "In", 42), exitCodes("Count", null, "In", 42)),
                        exit42, "FailJob", "Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 1"),
                new Case("A pod condition matches with kube's message",
                        policy(condition("Ignore", "DisruptionTarget")), pod(List.of(), List.of(), "DisruptionTarget"), "Ignore",
                        "Pod ns/p has condition DisruptionTarget matching Ignore rule at index 0"),
                new Case("A pod without the condition does not match",
                        policy(condition("Ignore", "DisruptionTarget")), exit42, null, null));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesTheFirstRuleAsKubeDoes(Case c) {
        var match = FailurePolicy.match(c.policy(), c.pod());
        assertThat(match.map(FailurePolicy.Match::action).orElse(null)).isEqualTo(c.action());
        assertThat(match.map(FailurePolicy.Match::message).orElse(null)).isEqualTo(c.message());
    }
}
