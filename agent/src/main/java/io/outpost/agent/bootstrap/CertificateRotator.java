package io.outpost.agent.bootstrap;

import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

import javax.net.ssl.SSLContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the node certificate before it expires, as client-go's certificate manager does for
 * kubelet ({@code k8s.io/client-go/util/certificate/certificate_manager.go}): the deadline is
 * {@code notBefore + jitter(70% of the lifetime, 0.2)}, i.e. at 70–84% of it, so that a fleet
 * whose certificates were signed together does not renew together. Renewal makes a new key and a
 * CSR for the same subject, authenticated by the current certificate (the server's approver
 * approves a node's own renewal); the new identity is stored and then swapped in, so that
 * {@link #sslContext()} presents it on every new connection (open connections keep theirs). A
 * failed renewal is retried with exponential back-off from 2 s to 5 min, as client-go's.
 *
 * <p>Thread model: {@link #start} runs the loop on one virtual thread; {@link #current},
 * {@link #sslContext} and {@link #nextRotationDeadline} may be called from any thread.
 * {@link #rotateIfDue} is the loop's step, public for tests that drive a fake clock; it must not
 * run on two threads at once. Listeners run on the rotating thread.
 */
public final class CertificateRotator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateRotator.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(2);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    /** The loop re-reads the clock at least this often: a host clock that jumps is noticed. */
    private static final Duration MAX_SLEEP = Duration.ofMinutes(1);

    private final BootstrapConfig config;
    private final RandomGenerator random;
    private final AtomicReference<NodeIdentity> current;
    private final AtomicReference<Instant> deadline = new AtomicReference<>();
    private final SSLContext sslContext;
    private final List<Consumer<NodeIdentity>> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean closed; // guarded by lock
    private Thread loop; // guarded by lock

    /**
     * @param initial what {@link Bootstrap#join} returned
     * @param config  the join's config: server, node name, data dir, clock, requested duration
     * @param random  the jitter's source
     */
    public CertificateRotator(NodeIdentity initial, BootstrapConfig config, RandomGenerator random) {
        this.config = config;
        this.random = random;
        this.current = new AtomicReference<>(initial);
        this.sslContext = TlsContexts.mutual(current::get);
        deadline.set(deadlineFor(initial));
    }

    /** The identity in use now. */
    public NodeIdentity current() {
        return current.get();
    }

    /**
     * One TLS context for the agent's connections to the server (API calls, the tunnel): it trusts
     * the cluster CA and presents the current identity at each new handshake.
     */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** When the current certificate will be renewed. */
    public Instant nextRotationDeadline() {
        return deadline.get();
    }

    /** Called with each new identity, after it is stored. */
    public void onRotation(Consumer<NodeIdentity> listener) {
        listeners.add(listener);
    }

    /**
     * Renews now if the deadline has passed by the config's clock.
     *
     * @return whether a new certificate is in use
     * @throws BootstrapException if the renewal failed; the old certificate stays in use
     */
    public boolean rotateIfDue() throws BootstrapException, InterruptedException {
        if (config.clock().instant().isBefore(deadline.get())) {
            return false;
        }
        rotate();
        return true;
    }

    /**
     * Renews now, whatever the deadline. A certificate that has already expired (a node cut off for
     * longer than its life) cannot authenticate its own renewal: then the node joins again with
     * its token, as kubelet falls back to its bootstrap credentials; without a token that fails,
     * naming {@code --token}.
     */
    public NodeIdentity rotate() throws BootstrapException, InterruptedException {
        NodeIdentity old = current.get();
        if (NodeCertificates.problem(old, config.clock().instant()) != null) {
            LOG.warn("node {}: the certificate expired on {}; joining again with the token", old.nodeName(), old.notAfter());
            return swap(Bootstrap.join(config));
        }
        KeyPair keys = NodeCertificates.newKey();
        List<X509Certificate> chain;
        try (CsrClient csrs = new CsrClient(config, sslContext, Optional.empty())) {
            chain = csrs.requestCertificate(keys);
        }
        NodeIdentity renewed = new NodeIdentity(old.nodeName(), keys.getPrivate(), chain, old.ca());
        String problem = NodeCertificates.problem(renewed, config.clock().instant());
        if (problem != null) {
            throw new BootstrapException("the server signed a renewed node certificate that cannot be used: " + problem);
        }
        try {
            new IdentityFiles(config.pkiDir()).store(renewed);
        } catch (IOException e) {
            throw new BootstrapException("--data-dir " + config.dataDir() + ": cannot store the renewed certificate in "
                    + config.pkiDir() + " (" + e.getMessage() + ")", e);
        }
        return swap(renewed);
    }

    private NodeIdentity swap(NodeIdentity renewed) {
        current.set(renewed);
        deadline.set(deadlineFor(renewed));
        LOG.info("node {}: certificate renewed, valid until {}; next renewal at {}", renewed.nodeName(), renewed.notAfter(),
                deadline.get());
        listeners.forEach(l -> l.accept(renewed));
        return renewed;
    }

    /** Starts renewing in the background, on a virtual thread. */
    public void start() {
        lock.lock();
        try {
            if (closed || loop != null) {
                return;
            }
            loop = Thread.ofVirtual().name("outpost-cert-rotator").start(this::run);
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            Duration wait = Duration.between(config.clock().instant(), deadline.get());
            try {
                if (!wait.isPositive()) {
                    try {
                        rotate();
                        backoff = FIRST_BACKOFF;
                        continue;
                    } catch (BootstrapException e) {
                        LOG.warn("node certificate renewal failed (retrying in {}): {}", backoff, e.getMessage());
                        wait = backoff;
                        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                    }
                }
                if (!sleep(wait.compareTo(MAX_SLEEP) > 0 ? MAX_SLEEP : wait)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Sleeps {@code d} or until closed; false once closed. */
    private boolean sleep(Duration d) throws InterruptedException {
        lock.lock();
        try {
            long nanos = d.toNanos();
            while (!closed && nanos > 0) {
                nanos = wake.awaitNanos(nanos);
            }
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    /** client-go's {@code nextRotationDeadline}: notBefore + jitter(0.7 × lifetime, 0.2). */
    Instant deadlineFor(NodeIdentity identity) {
        Duration total = Duration.between(identity.notBefore(), identity.notAfter());
        double fraction = 0.7 * (1 + 0.2 * random.nextDouble());
        return identity.notBefore().plusNanos((long) (total.toNanos() * fraction));
    }

    /** Stops the loop; the identity and the TLS context stay usable. Idempotent. */
    @Override
    public void close() {
        Thread t;
        lock.lock();
        try {
            closed = true;
            wake.signalAll();
            t = loop;
        } finally {
            lock.unlock();
        }
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
