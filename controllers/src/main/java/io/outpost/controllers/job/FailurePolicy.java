package io.outpost.controllers.job;

import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnExitCodesRequirement;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnPodConditionsPattern;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;

/**
 * A Job's {@code podFailurePolicy} applied to one failed pod, as kube's
 * {@code matchPodFailurePolicy}: the rules are tried in order and the first that matches decides.
 * A rule on exit codes matches a terminated container (then an init container) with a non-zero
 * exit code that is {@code In} or {@code NotIn} its values (of the named container, if it names
 * one); a rule on pod conditions matches a condition of that type and status.
 *
 * <p>Actions: {@code FailJob} fails the Job at once, {@code Ignore} does not count the failure
 * against {@code backoffLimit}, {@code Count} counts it as without a policy, {@code FailIndex}
 * fails the pod's index (with {@code backoffLimitPerIndex}).
 */
final class FailurePolicy {

    /** The rule that matched: its action and kube's message about it. */
    record Match(String action, String message) {
    }

    private FailurePolicy() {
    }

    static Optional<Match> match(PodFailurePolicy policy, Pod pod) {
        if (policy == null || policy.getRules() == null) {
            return Optional.empty();
        }
        List<PodFailurePolicyRule> rules = policy.getRules();
        String podName = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
        for (int index = 0; index < rules.size(); index++) {
            PodFailurePolicyRule rule = rules.get(index);
            if (rule.getOnExitCodes() != null) {
                Optional<ContainerStatus> container = onExitCodes(pod, rule.getOnExitCodes());
                if (container.isPresent()) {
                    return Optional.of(new Match(rule.getAction(), "Container " + container.get().getName() + " for pod " + podName
                            + " failed with exit code " + container.get().getState().getTerminated().getExitCode()
                            + " matching " + rule.getAction() + " rule at index " + index));
                }
            } else if (rule.getOnPodConditions() != null) {
                Optional<PodCondition> condition = onPodConditions(pod, rule.getOnPodConditions());
                if (condition.isPresent()) {
                    return Optional.of(new Match(rule.getAction(), "Pod " + podName + " has condition " + condition.get().getType()
                            + " matching " + rule.getAction() + " rule at index " + index));
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<ContainerStatus> onExitCodes(Pod pod, PodFailurePolicyOnExitCodesRequirement requirement) {
        if (pod.getStatus() == null) {
            return Optional.empty();
        }
        Optional<ContainerStatus> found = matching(pod.getStatus().getContainerStatuses(), requirement);
        return found.isPresent() ? found : matching(pod.getStatus().getInitContainerStatuses(), requirement);
    }

    private static Optional<ContainerStatus> matching(List<ContainerStatus> statuses, PodFailurePolicyOnExitCodesRequirement requirement) {
        if (statuses == null) {
            return Optional.empty();
        }
        for (ContainerStatus status : statuses) {
            if (status.getState() == null || status.getState().getTerminated() == null) {
                continue; // still terminating: no exit code to match yet
            }
            if (requirement.getContainerName() != null && !requirement.getContainerName().equals(status.getName())) {
                continue;
            }
            Integer exitCode = status.getState().getTerminated().getExitCode();
            if (exitCode == null || exitCode == 0) {
                continue;
            }
            boolean listed = requirement.getValues() != null && requirement.getValues().contains(exitCode);
            if ("In".equals(requirement.getOperator()) ? listed : "NotIn".equals(requirement.getOperator()) && !listed) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }

    private static Optional<PodCondition> onPodConditions(Pod pod, List<PodFailurePolicyOnPodConditionsPattern> patterns) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        for (PodCondition c : pod.getStatus().getConditions()) {
            for (PodFailurePolicyOnPodConditionsPattern pattern : patterns) {
                String status = pattern.getStatus() == null ? "True" : pattern.getStatus();
                if (c.getType().equals(pattern.getType()) && status.equals(c.getStatus())) {
                    return Optional.of(c);
                }
            }
        }
        return Optional.empty();
    }
}
