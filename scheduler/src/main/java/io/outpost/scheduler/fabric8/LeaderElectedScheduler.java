package io.outpost.scheduler.fabric8;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.outpost.leaderelection.ApiLeaseLock;
import io.outpost.leaderelection.LeaderElector;
import io.outpost.scheduler.SchedulerConfiguration;

/**
 * A {@link Fabric8Scheduler} that schedules only while it leads the
 * {@code kube-system/kube-scheduler} Lease, as kube-scheduler runs with {@code --leader-elect}
 * (15 s / 10 s / 2 s): of several servers, one binds pods and the others wait. On winning it
 * builds a scheduler anew (informers listing from scratch: a cache from before a loss is not to
 * be trusted, another scheduler bound pods meanwhile); on losing it closes it. kube-scheduler exits
 * on losing and is restarted by its supervisor; inside {@code outpost server} the same reset
 * happens in-process.
 *
 * <p>Thread model: {@link #start} and {@link #close} on the owner's thread; leadership callbacks
 * on the elector's thread, which hands the scheduler's start (informers syncing) to a virtual
 * thread so renewals go on. Starting and stopping take one lock; a leadership epoch makes a start
 * that lost the race with a stop do nothing.
 */
public final class LeaderElectedScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderElectedScheduler.class);

    /** The Lease the schedulers of one cluster elect their leader over (kube-scheduler's). */
    public static final String LEASE_NAMESPACE = "kube-system";
    public static final String LEASE_NAME = "kube-scheduler";
    private static final java.time.Duration RETRY = java.time.Duration.ofSeconds(5);

    /**
     * @param scheduler what to run while leading
     * @param election  the Lease and timings to lead over
     */
    public record Config(Fabric8Scheduler.Config scheduler, LeaderElector.Config election) {

        /** kube-scheduler's Lease and timings, for {@code identity} (host name and a random suffix). */
        public static Config defaults(KubernetesClient client, SchedulerConfiguration configuration, Clock clock,
                                      String identity) {
            return new Config(new Fabric8Scheduler.Config(client, configuration, clock), LeaderElector.Config.defaults(
                    new ApiLeaseLock(client, LEASE_NAMESPACE, LEASE_NAME), identity, clock));
        }
    }

    private final Config config;
    private final LeaderElector elector;
    private final ReentrantLock lifecycle = new ReentrantLock();
    private final AtomicLong leadership = new AtomicLong();
    private Fabric8Scheduler running; // guarded by lifecycle
    private boolean closed; // guarded by lifecycle

    public LeaderElectedScheduler(Config config) {
        this.config = config;
        this.elector = new LeaderElector(config.election(), new LeaderElector.Callbacks() {
            @Override
            public void startedLeading() {
                long epoch = leadership.incrementAndGet();
                Thread.ofVirtual().name("scheduler-start").start(() -> startScheduling(epoch));
            }

            @Override
            public void stoppedLeading() {
                leadership.incrementAndGet();
                stopScheduling();
            }
        });
    }

    /** Starts competing for the Lease; returns at once. */
    public void start() {
        elector.start();
    }

    /** Whether this candidate schedules now. */
    public boolean isActive() {
        lifecycle.lock();
        try {
            return running != null;
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Starts the scheduler unless leadership changed since {@code epoch}; if it cannot start (the
     * API unreachable while its informers list), tries again every {@link #RETRY} while still
     * leading, where kube-scheduler would exit and be restarted by its supervisor.
     */
    private void startScheduling(long epoch) {
        while (true) {
            lifecycle.lock();
            try {
                if (closed || running != null || leadership.get() != epoch) {
                    return;
                }
                Fabric8Scheduler scheduler = new Fabric8Scheduler(config.scheduler());
                try {
                    scheduler.start();
                    running = scheduler;
                    LOG.info("{} schedules pods (leads {}/{})", config.election().identity(), LEASE_NAMESPACE, LEASE_NAME);
                    return;
                } catch (RuntimeException e) {
                    LOG.error("the scheduler did not start while leading {}/{}; retrying in {}", LEASE_NAMESPACE, LEASE_NAME,
                            RETRY, e);
                    scheduler.close();
                }
            } finally {
                lifecycle.unlock();
            }
            try {
                Thread.sleep(RETRY);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void stopScheduling() {
        lifecycle.lock();
        try {
            if (running != null) {
                running.close();
                running = null;
                LOG.info("{} stopped scheduling", config.election().identity());
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /** Stops competing, releases the Lease if held (another candidate takes over at once) and stops scheduling. */
    @Override
    public void close() {
        lifecycle.lock();
        try {
            closed = true;
        } finally {
            lifecycle.unlock();
        }
        elector.close();
        stopScheduling();
    }
}
