package io.outpost.cli;

import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.outpost.store.KvStore;

/**
 * The {@code outpost server} role: every component it runs, started in order and closed in
 * reverse: the datastore, the API server over it, the join token ({@code DATA/node-token} and its
 * bootstrap-token Secret), then the controllers (with the CSR signer, which holds the CA key) and
 * the scheduler over the API.
 *
 * <p>Thread model: one thread (main) calls {@link #start}, {@link #awaitStopRequest} and
 * {@link #close}. {@link #requestStop} may be called from any thread (a signal handler); it only
 * wakes the waiting thread. {@link #close} is idempotent and may also run on a shutdown-hook
 * thread, while or after the main thread closes.
 */
final class Server implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Server.class);

    private final ServerConfig config;
    private final Clock controllerClock;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final ReentrantLock lifecycle = new ReentrantLock();
    private KvStore store; // guarded by lifecycle
    private ApiServer api; // guarded by lifecycle
    private Controllers controllers; // guarded by lifecycle
    private Scheduling scheduling; // guarded by lifecycle
    private Agent agent; // guarded by lifecycle; null with --disable-agent
    private boolean closed; // guarded by lifecycle

    Server(ServerConfig config) {
        this(config, Clock.systemUTC());
    }

    /**
     * A server whose controllers read {@code controllerClock} (tests drive CronJob schedules,
     * deadlines and TTLs with it); the API server and scheduler keep the system clock.
     */
    Server(ServerConfig config, Clock controllerClock) {
        this.config = config;
        this.controllerClock = controllerClock;
    }

    /**
     * Runs the server as this process's one job: starts it, waits for SIGTERM or SIGINT, closes
     * it. Returns normally (exit code 0) after a clean stop.
     */
    void run() throws InterruptedException {
        StopSignals.onTermOrInt(this::requestStop);
        // Closes the store on every other way out of the JVM too (System.exit, SIGHUP).
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("outpost-shutdown").unstarted(this::close));
        try {
            start();
            awaitStopRequest();
            LOG.info("stopping");
        } finally {
            close();
        }
    }

    void start() {
        lifecycle.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the server was closed");
            }
            LOG.info("outpost {} server starting; data dir {}", Version.outpost(), config.dataDir());
            store = Datastores.open(config.datastore(), config.dataDir());
            api = ApiServer.start(config, store, Clock.systemUTC());
            try (KubernetesClient loopback = Controllers.loopbackClient(config, "outpost-server", "the join token")) {
                NodeToken.ensure(loopback, config.dataDir(), ApiServer.caBundle(api.pki()));
            }
            controllers = Controllers.start(config, controllerClock, new ClusterCsrSigner(api.pki().ca()));
            scheduling = Scheduling.start(config, Clock.systemUTC());
            if (config.localAgent().isPresent()) {
                startLocalAgent(config.localAgent().get());
            }
        } finally {
            lifecycle.unlock();
        }
        LOG.info("ready (serving the API on port {}; stop with Ctrl-C or SIGTERM)", api.port());
    }

    /** Joins this machine as a node, as {@code outpost agent} would, with the join token just written. */
    private void startLocalAgent(LocalAgent local) {
        String token;
        try {
            token = java.nio.file.Files.readString(config.dataDir().resolve(NodeToken.FILE)).strip();
        } catch (java.io.IOException e) {
            throw new StartupFailure("--data-dir " + config.dataDir() + ": cannot read the join token for the local agent ("
                    + DataDir.describe(e) + "). Fix the folder's permissions, or pass --disable-agent", e);
        }
        AgentConfig agentConfig = local.agentConfig(config.dataDir(), config.bindAddress(), api.port(), token);
        agent = new Agent(agentConfig);
        try {
            agent.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupFailure("interrupted while the local agent joined", e);
        }
    }

    /** The API server's port, once started. */
    int apiPort() {
        lifecycle.lock();
        try {
            return api == null ? -1 : api.port();
        } finally {
            lifecycle.unlock();
        }
    }

    /** The scheduler's leader-elected runner, once started (tests stop it to see another take over). */
    Scheduling scheduling() {
        lifecycle.lock();
        try {
            return scheduling;
        } finally {
            lifecycle.unlock();
        }
    }

    /** The datastore, once started (tests compact it). */
    KvStore store() {
        lifecycle.lock();
        try {
            return store;
        } finally {
            lifecycle.unlock();
        }
    }

    /** The API server, once started (tests reach its PKI and tunnel metrics). */
    ApiServer api() {
        lifecycle.lock();
        try {
            return api;
        } finally {
            lifecycle.unlock();
        }
    }

    void awaitStopRequest() throws InterruptedException {
        stopRequested.await();
    }

    void requestStop() {
        stopRequested.countDown();
    }

    @Override
    public void close() {
        lifecycle.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (agent != null) {
                agent.close(); // its pods keep running, as they do when a node's agent stops
            }
            if (scheduling != null) {
                scheduling.close();
            }
            if (controllers != null) {
                controllers.close();
            }
            if (api != null) {
                api.close();
            }
            if (store != null) {
                store.close();
                LOG.info("datastore closed");
            }
        } finally {
            lifecycle.unlock();
            stopRequested.countDown();
        }
    }
}
