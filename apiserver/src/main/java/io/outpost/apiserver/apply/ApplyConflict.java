package io.outpost.apiserver.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An apply that would change fields other managers own, without {@code force}
 * (structured-merge-diff's {@code merge.Conflicts}, written as kube-apiserver's
 * {@code NewConflictError} writes it). The caller answers 409 Conflict with {@link #getMessage()}
 * and one {@code FieldManagerConflict} cause per conflict.
 */
public final class ApplyConflict extends RuntimeException {

    /**
     * One field another manager owns.
     *
     * @param manager the owner as kube prints it: {@code "mgr"} for an applier,
     *                {@code "mgr" using apps/v1} for an updater, with {@code with subresource "status"}
     * @param field   the path as kube prints it: {@code .spec.replicas}
     */
    public record Conflict(String manager, String field) {
        /** The cause message: {@code conflict with "mgr" using apps/v1}. */
        public String message() {
            return "conflict with " + manager;
        }
    }

    private final List<Conflict> conflicts;

    public ApplyConflict(List<Conflict> conflicts) {
        super(message(conflicts), null, false, false);
        this.conflicts = List.copyOf(conflicts);
    }

    public List<Conflict> conflicts() {
        return conflicts;
    }

    /** kube's {@code getConflictMessage}: one line for one conflict, else grouped by manager in name order. */
    private static String message(List<Conflict> conflicts) {
        if (conflicts.size() == 1) {
            Conflict c = conflicts.getFirst();
            return "Apply failed with 1 conflict: conflict with " + c.manager() + ": " + c.field();
        }
        Map<String, List<String>> byManager = new TreeMap<>();
        for (Conflict c : conflicts) {
            byManager.computeIfAbsent(c.manager(), m -> new ArrayList<>()).add(c.field());
        }
        List<String> lines = new ArrayList<>();
        byManager.forEach((manager, fields) -> {
            lines.add("conflicts with " + manager + ":");
            fields.forEach(f -> lines.add("- " + f));
        });
        return "Apply failed with " + conflicts.size() + " conflicts: " + String.join("\n", lines);
    }
}
