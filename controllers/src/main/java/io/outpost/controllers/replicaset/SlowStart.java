package io.outpost.controllers.replicaset;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * kube's {@code slowStartBatch}: calls {@code action} {@code count} times in batches of 1, 2, 4,
 * ... (each batch concurrently), stopping after the first batch in which a call failed. So a
 * ReplicaSet whose pods are all refused (quota, a bad template) makes one failing request, not
 * hundreds. The DaemonSet controller creates its pods with it too.
 */
public final class SlowStart {

    /** How many calls succeeded, and the first failure if any. */
    public record Result(int successes, Exception firstError) {
    }

    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    private SlowStart() {
    }

    public static Result run(int count, int initialBatch, Action action) throws InterruptedException {
        int successes = 0;
        int remaining = count;
        int batch = Math.min(remaining, initialBatch);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            while (batch > 0) {
                List<Future<?>> calls = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    calls.add(pool.submit(() -> {
                        action.run();
                        return null;
                    }));
                }
                Exception first = null;
                for (Future<?> f : calls) {
                    try {
                        f.get();
                        successes++;
                    } catch (ExecutionException e) {
                        if (first == null) {
                            first = e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
                        }
                    }
                }
                if (first != null) {
                    return new Result(successes, first);
                }
                remaining -= batch;
                batch = Math.min(remaining, 2 * batch);
            }
        }
        return new Result(successes, null);
    }
}
