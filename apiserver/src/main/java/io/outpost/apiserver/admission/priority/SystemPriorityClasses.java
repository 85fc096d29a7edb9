package io.outpost.apiserver.admission.priority;

import java.util.List;

/**
 * The PriorityClasses every cluster has, as kube's {@code scheduling.SystemPriorityClasses()}:
 * created at start, reserved (a name starting with {@code system-} is refused otherwise) and
 * never deleted.
 */
public final class SystemPriorityClasses {

    /** A system class: its name, value and description. */
    public record Class(String name, int value, String description) {
    }

    /** Names with this prefix are for the system classes only. */
    public static final String PREFIX = "system-";
    /** The highest value a user's class may have (kube's {@code HighestUserDefinablePriority}). */
    public static final int HIGHEST_USER_DEFINABLE = 1_000_000_000;

    public static final List<Class> ALL = List.of(
            new Class("system-node-critical", 2_000_001_000,
                    "Used for system critical pods that must not be moved from their current node."),
            new Class("system-cluster-critical", 2_000_000_000,
                    "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."));

    private SystemPriorityClasses() {
    }

    /** The system class of that name, if it is one. */
    public static java.util.Optional<Class> named(String name) {
        return ALL.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
