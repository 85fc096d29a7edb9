package io.outpost.leaderelection;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election over a {@link LeaseLock}, as client-go's {@code leaderelection} package does it,
 * so several servers can run the controllers with only one acting:
 * <ul>
 *   <li>a candidate takes the lease if nobody holds it, or if the record it observed has not
 *       changed for {@code leaseDuration} (measured on its own clock from when it saw the change,
 *       never from the holder's timestamps: clocks differ between machines);</li>
 *   <li>the leader renews every {@code retryPeriod}; if it cannot renew for {@code renewDeadline}
 *       it stops leading (before the others may take over, as renewDeadline &lt; leaseDuration);</li>
 *   <li>on {@link #close} a leader releases the lease (holder cleared, duration 1 s) so another
 *       candidate takes over at once (client-go's {@code ReleaseOnCancel}).</li>
 * </ul>
 *
 * <p>Thread model: {@link #start} runs the loop on its own thread, which alone calls
 * {@link #tryAcquireOrRenew} and the callbacks; tests call {@link #step} from the test thread
 * instead, with a fake clock. {@link #close} may be called from any thread.
 */
public final class LeaderElector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderElector.class);

    /** What to do on winning and on losing leadership. Called on the elector's thread. */
    public interface Callbacks {
        void startedLeading();

        void stoppedLeading();
    }

    /**
     * @param identity      this candidate's unique name (host name and a random suffix)
     * @param leaseDuration kube-controller-manager's default is 15 s
     * @param renewDeadline 10 s
     * @param retryPeriod   2 s
     * @param clock         when records are observed, renewed and expire
     */
    public record Config(LeaseLock lock, String identity, Duration leaseDuration, Duration renewDeadline,
                         Duration retryPeriod, Clock clock) {
        public Config {
            if (!(leaseDuration.compareTo(renewDeadline) > 0 && renewDeadline.compareTo(retryPeriod) > 0
                    && !retryPeriod.isNegative() && !retryPeriod.isZero())) {
                throw new IllegalArgumentException("need leaseDuration > renewDeadline > retryPeriod > 0, got "
                        + leaseDuration + ", " + renewDeadline + ", " + retryPeriod);
            }
            if (identity.isBlank()) {
                throw new IllegalArgumentException("the identity must not be blank");
            }
        }

        /** kube-controller-manager's defaults: 15 s, 10 s, 2 s. */
        public static Config defaults(LeaseLock lock, String identity, Clock clock) {
            return new Config(lock, identity, Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2), clock);
        }
    }

    private final Config config;
    private final Callbacks callbacks;
    private final CountDownLatch stop = new CountDownLatch(1);
    private LeaderRecord observed; // elector thread only
    private Instant observedAt; // elector thread only
    private Instant lastRenew; // elector thread only
    private volatile boolean leading;
    private final java.util.concurrent.atomic.AtomicReference<Thread> thread = new java.util.concurrent.atomic.AtomicReference<>();

    public LeaderElector(Config config, Callbacks callbacks) {
        this.config = config;
        this.callbacks = callbacks;
    }

    public boolean isLeader() {
        return leading;
    }

    /** The holder as last observed, for logs and tests ("" if none). */
    public String observedHolder() {
        LeaderRecord r = observed;
        return r == null ? "" : r.holderIdentity();
    }

    public void start() {
        Thread t = Thread.ofPlatform().name("leader-election").daemon().unstarted(this::loop);
        if (!thread.compareAndSet(null, t)) {
            throw new IllegalStateException("already started");
        }
        t.start();
    }

    private void loop() {
        try {
            do {
                try {
                    step();
                } catch (RuntimeException e) {
                    LOG.warn("leader election on {} failed; retrying", config.lock().describe(), e);
                }
            } while (!stop.await(config.retryPeriod().toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        release();
    }

    /**
     * One round: try to acquire or renew, and tell the callbacks if leadership changed. Returns
     * whether this candidate leads afterwards.
     */
    public boolean step() {
        Instant now = config.clock().instant();
        boolean ok;
        try {
            ok = tryAcquireOrRenew();
        } catch (RuntimeException e) {
            LOG.warn("cannot read or write {}: {}", config.lock().describe(), e.toString());
            ok = false;
        }
        if (ok) {
            lastRenew = now;
            if (!leading) {
                leading = true;
                LOG.info("{} became the leader on {}", config.identity(), config.lock().describe());
                callbacks.startedLeading();
            }
        } else if (leading && !now.isBefore(lastRenew.plus(config.renewDeadline()))) {
            leading = false;
            LOG.warn("{} could not renew {} for {}; stopped leading", config.identity(), config.lock().describe(),
                    config.renewDeadline());
            callbacks.stoppedLeading();
        }
        return leading;
    }

    /** client-go's {@code tryAcquireOrRenew}: true if this candidate holds the lease afterwards. */
    boolean tryAcquireOrRenew() {
        Instant now = config.clock().instant();
        var current = config.lock().get();
        if (current.isEmpty()) {
            LeaderRecord mine = new LeaderRecord(config.identity(), config.leaseDuration(), now, now, 0, null);
            if (!config.lock().create(mine)) {
                return false;
            }
            observed = mine;
            observedAt = now;
            return true;
        }
        LeaderRecord old = current.get();
        if (!old.sameAs(observed)) {
            observedAt = now;
        }
        observed = old;
        boolean mine = old.holderIdentity().equals(config.identity());
        if (!old.holderIdentity().isEmpty() && !mine && now.isBefore(observedAt.plus(old.leaseDuration()))) {
            return false;
        }
        LeaderRecord next = new LeaderRecord(config.identity(), config.leaseDuration(),
                mine ? old.acquireTime() : now, now, mine ? old.leaseTransitions() : old.leaseTransitions() + 1,
                old.resourceVersion());
        if (!config.lock().update(next)) {
            return false;
        }
        observed = next;
        observedAt = now;
        return true;
    }

    private void release() {
        if (!leading) {
            return;
        }
        leading = false;
        try {
            LeaderRecord r = config.lock().get().orElse(null);
            if (r != null && r.holderIdentity().equals(config.identity())) {
                Instant now = config.clock().instant();
                config.lock().update(new LeaderRecord("", Duration.ofSeconds(1), now, now, r.leaseTransitions(),
                        r.resourceVersion()));
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot release {}; others take it once it expires", config.lock().describe(), e);
        }
        callbacks.stoppedLeading();
    }

    /** Stops the loop and releases the lease if held. */
    @Override
    public void close() {
        stop.countDown();
        Thread t = thread.get();
        if (t != null) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            release();
        }
    }
}
