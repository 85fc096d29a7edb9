package io.outpost.controllers.namespace;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.NamespaceConditionBuilder;

/**
 * The conditions kube's namespace controller writes on a Terminating namespace
 * ({@code namespaceConditionUpdater}), each True with what went wrong or False with kube's "ok"
 * reason and message: {@code NamespaceDeletionDiscoveryFailure},
 * {@code NamespaceDeletionGroupVersionParsingFailure}, {@code NamespaceDeletionContentFailure},
 * {@code NamespaceContentRemaining} and {@code NamespaceFinalizersRemaining}. A condition keeps
 * its lastTransitionTime unless its status changes.
 */
final class Conditions {

    private record Kind(String type, String okReason, String okMessage) {
    }

    private static final List<Kind> KINDS = List.of(
            new Kind("NamespaceDeletionDiscoveryFailure", "ResourcesDiscovered", "All resources successfully discovered"),
            new Kind("NamespaceDeletionGroupVersionParsingFailure", "ParsedGroupVersions", "All legacy kube types successfully parsed"),
            new Kind("NamespaceDeletionContentFailure", "ContentDeleted", "All content successfully deleted, may be waiting on finalization"),
            new Kind("NamespaceContentRemaining", "ContentRemoved", "All content successfully removed"),
            new Kind("NamespaceFinalizersRemaining", "ContentHasNoFinalizers", "All content-preserving finalizers finished"));

    private Conditions() {
    }

    /** The conditions after a pass that found {@code content}, from the namespace's {@code old} ones. */
    static List<NamespaceCondition> next(List<NamespaceCondition> old, Content content, Instant now) {
        List<NamespaceCondition> out = new ArrayList<>(old == null ? List.of() : old);
        for (Kind kind : KINDS) {
            NamespaceCondition wanted = failure(kind.type(), content, now)
                    .orElseGet(() -> condition(kind.type(), "False", kind.okReason(), kind.okMessage(), now));
            Optional<NamespaceCondition> existing = out.stream().filter(c -> kind.type().equals(c.getType())).findFirst();
            if (existing.isEmpty()) {
                out.add(wanted);
                continue;
            }
            NamespaceCondition e = existing.get();
            if (Objects.equals(e.getStatus(), wanted.getStatus())) {
                if (Objects.equals(e.getReason(), wanted.getReason()) && Objects.equals(e.getMessage(), wanted.getMessage())) {
                    continue;
                }
                wanted.setLastTransitionTime(e.getLastTransitionTime());
            }
            out.set(out.indexOf(e), wanted);
        }
        return out;
    }

    private static Optional<NamespaceCondition> failure(String type, Content content, Instant now) {
        return switch (type) {
            case "NamespaceDeletionDiscoveryFailure" -> content.discoveryFailure()
                    .map(m -> condition(type, "True", "DiscoveryFailed", m, now));
            case "NamespaceDeletionContentFailure" -> content.deleteFailures().isEmpty() ? Optional.empty()
                    : Optional.of(condition(type, "True", "ContentDeletionFailed", "Failed to delete all resource types, "
                    + content.deleteFailures().size() + " remaining: " + aggregate(content.deleteFailures()), now));
            case "NamespaceContentRemaining" -> counted(content.remaining(), "%s has %d resource instances")
                    .map(m -> condition(type, "True", "SomeResourcesRemain", "Some resources are remaining: " + m, now));
            case "NamespaceFinalizersRemaining" -> counted(content.finalizers(), "%s in %d resource instances")
                    .map(m -> condition(type, "True", "SomeFinalizersRemain",
                            "Some content in the namespace has finalizers remaining: " + m, now));
            default -> Optional.empty();
        };
    }

    /** The non-zero counts, sorted, joined by ", " as kube joins them. */
    private static Optional<String> counted(Map<String, Integer> counts, String format) {
        List<String> parts = counts.entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> String.format(format, e.getKey(), e.getValue())).sorted().toList();
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", parts));
    }

    /** k8s.io/apimachinery's {@code NewAggregate(...).Error()}: one error as it is, several in brackets. */
    private static String aggregate(List<String> errors) {
        return errors.size() == 1 ? errors.getFirst() : "[" + String.join(", ", errors) + "]";
    }

    private static NamespaceCondition condition(String type, String status, String reason, String message, Instant now) {
        return new NamespaceConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastTransitionTime(now.toString()).build();
    }
}
