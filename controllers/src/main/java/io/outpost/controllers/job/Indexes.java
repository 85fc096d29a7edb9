package io.outpost.controllers.job;

import java.util.Map;
import java.util.OptionalInt;
import java.util.SortedSet;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Completion indexes of an Indexed Job (kube's {@code indexed_job_utils.go}): the index a pod
 * carries in its {@code batch.kubernetes.io/job-completion-index} annotation (or label), and sets
 * of indexes written as kube's interval strings ({@code "1,3-5,7"}; two neighbours are written
 * {@code "3,4"}), as in {@code status.completedIndexes} and {@code status.failedIndexes}.
 */
final class Indexes {

    static final String ANNOTATION = "batch.kubernetes.io/job-completion-index";

    private Indexes() {
    }

    /** The pod's completion index, if it has a valid one (kube's {@code getCompletionIndex}). */
    static OptionalInt of(Pod pod) {
        OptionalInt fromAnnotation = parse(pod.getMetadata().getAnnotations());
        return fromAnnotation.isPresent() ? fromAnnotation : parse(pod.getMetadata().getLabels());
    }

    private static OptionalInt parse(Map<String, String> map) {
        String value = map == null ? null : map.get(ANNOTATION);
        if (value == null || !value.matches("[0-9]{1,9}")) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(value));
    }

    /** kube's {@code orderedIntervals.String()}. */
    static String format(SortedSet<Integer> indexes) {
        StringBuilder out = new StringBuilder();
        Integer first = null;
        Integer last = null;
        for (int i : indexes) {
            if (last != null && i == last + 1) {
                last = i;
                continue;
            }
            append(out, first, last);
            first = i;
            last = i;
        }
        append(out, first, last);
        return out.toString();
    }

    private static void append(StringBuilder out, Integer first, Integer last) {
        if (first == null) {
            return;
        }
        if (!out.isEmpty()) {
            out.append(',');
        }
        out.append(first);
        if (last > first) {
            out.append(last == first + 1 ? ',' : '-').append(last);
        }
    }

    /**
     * kube's {@code parseIndexesFromString}: the indexes below {@code completions} in an interval
     * string; malformed parts are skipped.
     */
    static SortedSet<Integer> parse(String text, int completions) {
        SortedSet<Integer> out = new TreeSet<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String part : text.split(",")) {
            String[] bounds = part.split("-", -1);
            try {
                int first = Integer.parseInt(bounds[0]);
                int last = bounds.length == 2 ? Integer.parseInt(bounds[1]) : first;
                if (bounds.length > 2 || first < 0 || last < first) {
                    continue;
                }
                for (int i = first; i <= last && i < completions; i++) {
                    out.add(i);
                }
            } catch (NumberFormatException e) {
                // kube logs and skips it
            }
        }
        return out;
    }
}
