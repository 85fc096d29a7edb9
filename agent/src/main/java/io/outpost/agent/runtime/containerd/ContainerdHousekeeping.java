package io.outpost.agent.runtime.containerd;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic work kubelet does beside its pod workers when the runtime is containerd: image
 * garbage collection every 5 minutes ({@code ImageGCPeriod} in {@code pkg/kubelet/kubelet.go}) and
 * container log rotation every 10 s ({@code logMonitorPeriod} of the container log manager,
 * {@code pkg/kubelet/logs/container_log_manager.go}), with kubelet's default sizes
 * ({@code containerLogMaxSize} 10 MiB, {@code containerLogMaxFiles} 5).
 *
 * <p>A failed round (containerd restarting, a disk error) is logged and the next round runs as
 * planned: neither task is worth stopping the agent for.
 *
 * <p>Thread model: {@link #start()} starts one virtual thread per task; {@link #close()} (any
 * thread, idempotent) wakes and ends them and waits for a round in progress.
 */
public final class ContainerdHousekeeping implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerdHousekeeping.class);

    public static final Duration IMAGE_GC_PERIOD = Duration.ofMinutes(5);
    public static final Duration LOG_ROTATION_PERIOD = Duration.ofSeconds(10);
    public static final long LOG_MAX_BYTES = 10L * 1024 * 1024;
    public static final int LOG_MAX_FILES = 5;

    private final ImageGarbageCollector imageGc;
    private final ContainerLogRotator logRotator;
    private final CountDownLatch stop = new CountDownLatch(1);
    private Thread gcLoop;
    private Thread rotationLoop;

    public ContainerdHousekeeping(ImageGarbageCollector imageGc, ContainerLogRotator logRotator) {
        this.imageGc = imageGc;
        this.logRotator = logRotator;
    }

    /** kubelet's defaults over {@code runtime}'s containerd. */
    public static ContainerdHousekeeping of(ContainerdRuntime runtime, Clock clock) {
        return new ContainerdHousekeeping(runtime.imageGarbageCollector(ImageGarbageCollector.Policy.KUBELET_DEFAULTS, clock),
                runtime.logRotator(clock, LOG_MAX_BYTES, LOG_MAX_FILES));
    }

    public synchronized void start() {
        if (gcLoop != null) {
            return;
        }
        // kubelet's first image GC runs one period after start, so the images of the pods it is
        // about to adopt are seen in use first.
        gcLoop = Thread.ofVirtual().name("image-gc").start(() -> every(IMAGE_GC_PERIOD, "image garbage collection", imageGc::collect));
        rotationLoop = Thread.ofVirtual().name("container-log-rotation").start(
                () -> every(LOG_ROTATION_PERIOD, "container log rotation", logRotator::rotateAll));
    }

    private void every(Duration period, String what, Runnable task) {
        while (true) {
            try {
                if (stop.await(period.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("{} failed; retrying in {} s: {}", what, period.toSeconds(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        stop.countDown();
        Thread gc;
        Thread rotation;
        synchronized (this) {
            gc = gcLoop;
            rotation = rotationLoop;
        }
        try {
            if (gc != null) {
                gc.join(Duration.ofSeconds(30));
            }
            if (rotation != null) {
                rotation.join(Duration.ofSeconds(30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
