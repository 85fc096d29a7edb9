package io.outpost.controllers.job;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;

/**
 * Which pods an Indexed Job keeps, deletes and creates (kube's {@code indexed_job_utils.go}):
 * one active pod per index not yet done; an active pod whose index is invalid, out of range,
 * already succeeded or failed, or a second one for an index, is surplus and deleted; new pods
 * take the lowest free indexes, and when fewer pods are wanted the highest indexes go first.
 */
final class Indexed {

    private Indexed() {
    }

    /** The active pods kept, one per index, and the surplus ones. */
    record Partition(Map<Integer, Pod> kept, List<Pod> surplus) {
    }

    static boolean isIndexed(JobSpec spec) {
        return "Indexed".equals(spec.getCompletionMode());
    }

    /** @param done indexes that succeeded or failed for good */
    static Partition partition(List<Pod> active, Set<Integer> done, int completions) {
        Map<Integer, Pod> kept = new TreeMap<>();
        List<Pod> surplus = new ArrayList<>();
        List<Pod> oldestFirst = active.stream()
                .sorted(Comparator.comparing((Pod p) -> String.valueOf(p.getMetadata().getCreationTimestamp()))
                        .thenComparing(p -> p.getMetadata().getName()))
                .toList();
        for (Pod pod : oldestFirst) {
            OptionalInt index = Indexes.of(pod);
            if (index.isEmpty() || index.getAsInt() >= completions || done.contains(index.getAsInt())
                    || kept.putIfAbsent(index.getAsInt(), pod) != null) {
                surplus.add(pod);
            }
        }
        return new Partition(kept, surplus);
    }

    /** The lowest {@code n} indexes with neither a kept pod nor an end. */
    static List<Integer> toCreate(Partition partition, Set<Integer> done, int completions, int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < completions && out.size() < n; i++) {
            if (!done.contains(i) && !partition.kept().containsKey(i)) {
                out.add(i);
            }
        }
        return out;
    }

    /** {@code n} kept pods, the highest indexes first. */
    static List<Pod> toScaleDown(Partition partition, int n) {
        List<Pod> out = new ArrayList<>(partition.kept().values());
        java.util.Collections.reverse(out);
        return out.subList(0, Math.min(n, out.size()));
    }

    /** The indexes of the given pods that are valid for {@code completions}. */
    static SortedSet<Integer> indexesOf(List<Pod> pods, int completions) {
        SortedSet<Integer> out = new TreeSet<>();
        for (Pod pod : pods) {
            Indexes.of(pod).ifPresent(i -> {
                if (i < completions) {
                    out.add(i);
                }
            });
        }
        return out;
    }
}
