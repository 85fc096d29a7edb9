package io.outpost.controllers.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.outpost.leaderelection.LeaderElector;

/**
 * Runs controllers while this process leads (kube-controller-manager's shape): on winning the
 * Lease it builds every controller from its factory, starts the shared informers, waits for them
 * to sync and starts each controller's workers; on losing it, it stops them all (another server
 * now acts, and a cache from before the loss must not be trusted again, so a later win builds
 * everything anew).
 *
 * <p>Thread model: {@link #start} and {@link #close} on the owner's thread; leadership callbacks
 * on the elector's thread, which hands the start (informers syncing) to a thread of its own so
 * that renewals go on meanwhile. Starting and stopping take the one lifecycle lock.
 */
public final class ControllerManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerManager.class);

    /**
     * @param client        an API client (the server's loopback, or any cluster's)
     * @param clock         given to every controller
     * @param controllers   the controllers to run, by name, in start order (an explicit map: no
     *                      discovery by classpath)
     * @param leaderElection the Lease to lead over; empty to act at once (a single server)
     * @param syncTimeout   how long informers may take to list before the start is retried
     */
    public record Config(KubernetesClient client, Clock clock,
                         Map<String, Function<ControllerContext, Controller>> controllers,
                         Optional<LeaderElector.Config> leaderElection, Duration syncTimeout) {
        public Config {
            controllers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(controllers));
        }
    }

    private final Config config;
    private final ReentrantLock lifecycle = new ReentrantLock();
    /** Counts leadership changes, so a start that lost the race with a stop does nothing. */
    private final java.util.concurrent.atomic.AtomicLong leadership = new java.util.concurrent.atomic.AtomicLong();
    private final List<Controller> running = new ArrayList<>(); // guarded by lifecycle
    private Informers informers; // guarded by lifecycle
    private LeaderElector elector;
    private boolean closed; // guarded by lifecycle

    public ControllerManager(Config config) {
        this.config = config;
    }

    public void start() {
        if (config.leaderElection().isPresent()) {
            elector = new LeaderElector(config.leaderElection().get(), new LeaderElector.Callbacks() {
                @Override
                public void startedLeading() {
                    // Off the elector's thread, as client-go runs OnStartedLeading in a goroutine:
                    // informers may take a while to sync, and the lease must keep being renewed.
                    long epoch = leadership.incrementAndGet();
                    Thread.ofVirtual().name("controllers-start").start(() -> startControllers(epoch));
                }

                @Override
                public void stoppedLeading() {
                    leadership.incrementAndGet();
                    stopControllers();
                }
            });
            elector.start();
        } else {
            startControllers(leadership.get());
        }
    }

    /** Whether the controllers run here now. */
    public boolean isActive() {
        lifecycle.lock();
        try {
            return !running.isEmpty();
        } finally {
            lifecycle.unlock();
        }
    }

    /** Starts everything unless leadership changed since {@code epoch} (lost before this thread ran). */
    private void startControllers(long epoch) {
        lifecycle.lock();
        try {
            if (closed || !running.isEmpty() || leadership.get() != epoch) {
                return;
            }
            informers = new Informers(config.client());
            ControllerContext context = new ControllerContext(config.client(), informers, config.clock());
            List<Controller> built = new ArrayList<>();
            for (var entry : config.controllers().entrySet()) {
                built.add(entry.getValue().apply(context));
            }
            try {
                informers.startAndSync(config.syncTimeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                built.forEach(Controller::close);
                informers.close();
                return;
            }
            for (Controller c : built) {
                c.run();
                running.add(c);
                LOG.info("started controller {}", c.name());
            }
        } finally {
            lifecycle.unlock();
        }
    }

    private void stopControllers() {
        lifecycle.lock();
        try {
            for (int i = running.size() - 1; i >= 0; i--) {
                running.get(i).close();
            }
            running.clear();
            if (informers != null) {
                informers.close();
                informers = null;
            }
        } finally {
            lifecycle.unlock();
        }
    }

    @Override
    public void close() {
        lifecycle.lock();
        try {
            closed = true;
        } finally {
            lifecycle.unlock();
        }
        if (elector != null) {
            elector.close();
        }
        stopControllers();
    }
}
