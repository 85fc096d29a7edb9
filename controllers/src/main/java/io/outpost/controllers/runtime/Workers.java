package io.outpost.controllers.runtime;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker loop every controller shares (kube's {@code processNextWorkItem}): take a key, sync
 * it, forget its back-off if that worked, re-queue it rate-limited if it failed, and always mark
 * it done. Since the {@link WorkQueue} never hands a key to two workers, {@code sync} never runs
 * twice at once for one key.
 *
 * <p>Thread model: {@link #start} starts {@code n} virtual threads; {@link #close} shuts the
 * queue down and joins them.
 */
public final class Workers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Workers.class);

    /** Reconciles one key; must be idempotent. Throwing re-queues the key with back-off. */
    @FunctionalInterface
    public interface Sync {
        void sync(String key) throws Exception;
    }

    private final WorkQueue<String> queue;
    private final Sync sync;
    private final List<Thread> threads = new ArrayList<>();

    public Workers(WorkQueue<String> queue, Sync sync) {
        this.queue = queue;
        this.sync = sync;
    }

    public void start(int n) {
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofVirtual().name(queue.name() + "-worker-" + i).start(this::loop));
        }
    }

    private void loop() {
        try {
            while (true) {
                var key = queue.get();
                if (key.isEmpty()) {
                    return;
                }
                processOne(key.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Syncs one key taken from the queue. Package-visible for tests that drive the queue by hand. */
    public void processOne(String key) {
        try {
            sync.sync(key);
            queue.forget(key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            queue.addRateLimited(key);
        } catch (Exception e) {
            if (e instanceof io.fabric8.kubernetes.client.KubernetesClientException k && k.getCode() == 409) {
                // A write raced another (the cache was behind): routine, as in kube; retried shortly.
                LOG.debug("{}: syncing {} hit a conflict; retrying", queue.name(), key);
            } else {
                LOG.warn("{}: syncing {} failed (retry {}): {}", queue.name(), key, queue.numRequeues(key), e.getMessage());
                LOG.debug("{}: syncing {} failed", queue.name(), key, e);
            }
            queue.addRateLimited(key);
        } finally {
            queue.done(key);
        }
    }

    @Override
    public void close() {
        queue.shutDown();
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
