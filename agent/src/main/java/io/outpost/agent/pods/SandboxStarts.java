package io.outpost.agent.pods;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Turns for the first start of a pod on the CNI network (its sandbox, then its containers): at
 * most {@code 4 × cores} pods at once, first come first served, and never a pod held back longer
 * than {@link #MAX_WAIT} (so a few pods stuck in CNI or in a slow pull cannot stall the node).
 *
 * <p>Why: a pod's first start is containerd's, runc's and the CNI plugins' work (CPU and
 * fsyncs). Once the tunnel delivered a burst of 100 pods within a second, all 100 went into
 * containerd side by side on a 2-core node, each at a hundredth of it, and nearly every pod became
 * Running near the end of the burst (AgentContainerdIT, 100 pods, on a shared VM at load 30-40:
 * p50 20.2 and 25.9 s, p99 22.4 and 29.1 s). A few at a time in arrival order keeps containerd
 * busy (its fsyncs overlap) while the first pods run early: p50 11.4 and 18.2 s, p99 18.7 and
 * 24.8 s in the same conditions. Two per core, around the sandbox alone, gave no such gain.
 *
 * <p>Thread model: any worker thread; a fair semaphore.
 */
final class SandboxStarts {

    static final Duration MAX_WAIT = Duration.ofSeconds(30);

    private final Semaphore turns;

    SandboxStarts(int parallel) {
        this.turns = new Semaphore(parallel, true);
    }

    static SandboxStarts forThisHost() {
        return new SandboxStarts(Math.max(4, 4 * Runtime.getRuntime().availableProcessors()));
    }

    /** Runs {@code start} in its turn (or after {@link #MAX_WAIT} without one). */
    void inTurn(Runnable start) {
        boolean turn;
        try {
            turn = turns.tryAcquire(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            turn = false;
        }
        try {
            start.run();
        } finally {
            if (turn) {
                turns.release();
            }
        }
    }
}
