package io.outpost.scheduler.framework;

/**
 * A scheduling plugin. Each implements only the extension points it uses ({@link PreFilterPlugin},
 * {@link FilterPlugin}, ...), in the order the framework runs them: PreFilter, Filter (per node),
 * PostFilter (when no node fits), PreScore, Score (per feasible node), Reserve, Bind.
 *
 * <p>Thread model: a plugin instance belongs to one profile and is called by the scheduler's one
 * scheduling thread, except Bind and Unreserve, which run on the binding thread of the pod; a
 * plugin keeps per-pod data in the {@link CycleState}, not in fields.
 */
public interface Plugin {

    /** The name that configurations and the FailedScheduling statuses use. */
    String name();
}
