package io.outpost.cli;

import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.outpost.agent.bootstrap.Bootstrap;
import io.outpost.agent.bootstrap.BootstrapConfig;
import io.outpost.agent.bootstrap.BootstrapException;
import io.outpost.agent.bootstrap.CertificateRotator;
import io.outpost.agent.bootstrap.NodeIdentity;
import io.outpost.agent.node.BandwidthReport;
import io.outpost.agent.node.HostInfo;
import io.outpost.agent.node.LinkQuality;
import io.outpost.agent.node.NodeStatusReporter;
import io.outpost.agent.node.NodeStatusReporterConfig;
import io.outpost.agent.node.PodCidrUpdater;
import io.outpost.agent.node.RoundTripReport;
import io.outpost.agent.pods.PodManager;
import io.outpost.agent.pods.PodManagerConfig;
import io.outpost.agent.runtime.ContainerRuntime;
import io.outpost.agent.runtime.Runtimes;
import io.outpost.agent.runtime.containerd.ContainerdHousekeeping;
import io.outpost.agent.runtime.containerd.ContainerdRuntime;
import io.outpost.agent.runtime.containerd.RegistryConfig;
import io.outpost.agent.sync.EdgeSync;
import io.outpost.agent.sync.EdgeSyncConfig;

/**
 * The {@code outpost agent} role: every component of an edge node, started in order and closed in
 * reverse: the node's identity (join, or the one stored), its rotation, the sync layer (local
 * store + tunnel), the container runtime, the pod workers and the node-status reporter.
 *
 * <p>Only the join needs the server, and only the first time: with an identity stored, the agent
 * starts with no link at all and runs the pods its local store records (edge autonomy).
 *
 * <p>Thread model: as {@link Server}: one thread calls {@link #start}, {@link #awaitStopRequest}
 * and {@link #close}; {@link #requestStop} from any thread; {@link #close} is idempotent. Closing
 * the agent leaves its pods' processes running (a restarted agent adopts them), as stopping
 * kubelet leaves its containers.
 */
final class Agent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final AgentConfig config;
    private final Clock clock;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final ReentrantLock lifecycle = new ReentrantLock();
    private CertificateRotator rotator; // guarded by lifecycle
    private EdgeSync sync; // guarded by lifecycle
    private ContainerRuntime runtime; // guarded by lifecycle
    private ContainerdHousekeeping housekeeping; // guarded by lifecycle; only for containerd
    private PodManager pods; // guarded by lifecycle
    private NodeStatusReporter nodeStatus; // guarded by lifecycle
    private volatile boolean closed; // written under lifecycle
    private Thread metadataLoop; // guarded by lifecycle
    private final RoundTripReport roundTrip = new RoundTripReport(); // the metadata loop's
    private final BandwidthReport bandwidth = new BandwidthReport(); // the metadata loop's

    Agent(AgentConfig config) {
        this(config, Clock.systemUTC());
    }

    Agent(AgentConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Runs the agent as this process's one job: starts it, waits for SIGTERM or SIGINT, closes it. */
    void run() throws InterruptedException {
        StopSignals.onTermOrInt(this::requestStop);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("outpost-agent-shutdown").unstarted(this::close));
        try {
            start();
            awaitStopRequest();
            LOG.info("stopping (pods keep running)");
        } finally {
            close();
        }
    }

    /**
     * Starts every component.
     *
     * @throws StartupFailure naming the flag and the fix: a bad or refused token, a CA that is not
     *                        the token's, no server reachable for a first join, an unusable data dir
     */
    void start() throws InterruptedException {
        lifecycle.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the agent was closed");
            }
            LOG.info("outpost {} agent starting: node {}, server {}, data dir {}, runtime {}", Version.outpost(),
                    config.nodeName(), config.server(), config.dataDir(), config.runtime().flagValue());
            BootstrapConfig join = BootstrapConfig.of(config.server(), config.token().orElse(""), config.nodeName(),
                    config.dataDir()).withClock(clock);
            NodeIdentity identity;
            try {
                identity = Bootstrap.join(join);
            } catch (BootstrapException e) {
                throw new StartupFailure(e.getMessage(), e);
            }
            LOG.info("node identity {} valid until {}", identity.certificate().getSubjectX500Principal().getName(),
                    identity.notAfter());
            rotator = new CertificateRotator(identity, join, new SplittableRandom());
            rotator.start();
            String hostIp = HostInfo.internalIpTowards(config.server().getHost(),
                    config.server().getPort() < 0 ? 443 : config.server().getPort());
            try {
                sync = EdgeSync.start(EdgeSyncConfig.defaults(config.server(), config.nodeName(), rotator::sslContext,
                        config.dataDir().resolve("sync")));
                runtime = createRuntime(hostIp);
            } catch (IOException e) {
                throw new StartupFailure("--data-dir " + config.dataDir() + ": " + DataDir.describe(e), e);
            }
            if (runtime instanceof ContainerdRuntime containerd) {
                housekeeping = ContainerdHousekeeping.of(containerd, clock);
                housekeeping.start();
            }
            pods = new PodManager(PodManagerConfig.of(config.nodeName(), config.dataDir(), runtime,
                    sync.desiredState(), sync.statusSink(), clock, hostIp));
            pods.start();
            if (runtime instanceof ContainerdRuntime containerd) {
                new PodCidrUpdater(sync.desiredState(), containerd, pods::wake).start();
            }
            nodeStatus = new NodeStatusReporter(NodeStatusReporterConfig.of(config.nodeName(), config.dataDir(),
                    runtime.info(), sync.statusSink(), clock, this::linkQuality, Version.outpost(), hostIp));
            nodeStatus.start();
            metadataLoop = Thread.ofVirtual().name("node-metadata").start(this::reportMetadata);
        } finally {
            lifecycle.unlock();
        }
        LOG.info("ready (node {}; {} pods in the local store; stop with Ctrl-C or SIGTERM)", config.nodeName(),
                sync.desiredState().pods().size());
    }

    /**
     * The runtime {@code --runtime} names; without the flag, containerd when this host has one
     * (its socket, or its binaries for a managed one), otherwise process, said in the log as
     * issue 7 asks. A containerd that cannot be started or reached is a startup failure naming the
     * flags, not a silent fall-back: the operator asked for container images.
     */
    private ContainerRuntime createRuntime(String hostIp) throws IOException {
        String name = config.runtime().flagValue();
        String endpoint = config.containerRuntimeEndpoint();
        if (config.runtime() == AgentConfig.AgentRuntime.DEFAULT) {
            Runtimes.DefaultChoice choice = Runtimes.defaultRuntime();
            LOG.info("{} (choose with --runtime containerd|process|simulated)", choice.why());
            name = choice.name();
            if (endpoint.isEmpty()) {
                endpoint = choice.endpoint();
            }
        }
        RegistryConfig registries = registries();
        if (!registries.equals(RegistryConfig.EMPTY) && (!name.equals("containerd") || !endpoint.isEmpty())) {
            LOG.warn("{} is not used: registry mirrors and credentials configure the containerd the agent manages (runtime {}{})",
                    config.registryConfigFile().orElseThrow(), name, endpoint.isEmpty() ? "" : " at " + endpoint);
        }
        ContainerRuntime created;
        try {
            // The pod CIDR the local store has for this node: an offline restart keeps its range.
            String podCidr = PodCidrUpdater.podCidr(sync.desiredState().node()).orElse("");
            created = Runtimes.create(name, config.dataDir(), clock, hostIp, endpoint, registries, podCidr);
        } catch (IOException e) {
            if (!name.equals("containerd")) {
                throw e;
            }
            // A managed containerd that cannot start: its own message names the binary or its log.
            throw new StartupFailure("--runtime containerd: " + e.getMessage() + ". Fix: install containerd, runc and"
                    + " containernetworking-plugins, pass --container-runtime-endpoint of a running containerd, or pass"
                    + " --runtime process", e);
        }
        try {
            // Touch it now: an endpoint with nothing behind it fails here, with the flag named.
            LOG.info("container runtime {} {}", created.info().name(), created.info().version());
            return created;
        } catch (io.grpc.StatusRuntimeException e) {
            created.close();
            throw new StartupFailure("--runtime containerd: containerd at " + (endpoint.isEmpty() ? "the managed socket" : endpoint)
                    + " does not answer (" + e.getStatus().getCode() + "). Fix: start containerd, pass the right"
                    + " --container-runtime-endpoint, or pass --runtime process", e);
        }
    }

    /** The registries file ({@code --registry-config} or {@code DATA/registries.yaml}), read again at start. */
    private RegistryConfig registries() {
        Optional<java.nio.file.Path> file = config.registryConfigFile();
        if (file.isEmpty()) {
            return RegistryConfig.EMPTY;
        }
        try {
            RegistryConfig registries = RegistryConfig.load(file.get());
            LOG.info("registry configuration {}: mirrors for {}, settings for {}", file.get(), registries.mirrors().keySet(),
                    registries.configs().keySet());
            return registries;
        } catch (RegistryConfig.Invalid e) {
            throw new StartupFailure("--registry-config: " + e.getMessage() + ". Fix the file (k3s's registries.yaml format)", e);
        }
    }

    /**
     * Sends the labels and annotations the agent owns on its Node ({@code --labels}, {@code --pool},
     * the well-known labels, runtime notes, link quality) when they change: at start, then checked
     * every 30 s. The sync layer persists the report and sends it when the link is up.
     */
    private void reportMetadata() {
        Map<String, String> lastLabels = null;
        Map<String, String> lastAnnotations = null;
        while (!closed) {
            Map<String, String> labels = new LinkedHashMap<>(config.labels());
            labels.putAll(nodeStatus.labels()); // the well-known labels are the agent's to set
            Map<String, String> annotations = nodeStatus.annotations();
            if (!labels.equals(lastLabels) || !annotations.equals(lastAnnotations)) {
                sync.statusSink().nodeMetadata(labels, annotations);
                lastLabels = labels;
                lastAnnotations = annotations;
            }
            try {
                stopRequested.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (stopRequested.getCount() == 0) {
                return;
            }
        }
    }

    /**
     * The link for the scheduler: its round trip and its bandwidth, each smoothed and changed
     * rarely ({@link RoundTripReport}, {@link BandwidthReport}).
     */
    private LinkQuality linkQuality() {
        long measured = sync == null ? -1 : sync.roundTripMillis();
        long kbps = sync == null ? -1 : sync.bandwidthKbps();
        return new LinkQuality(roundTrip.sample(measured, clock.instant()), bandwidth.sample(kbps));
    }

    /** The sync layer, once started (tests look at its link and revision). */
    EdgeSync sync() {
        lifecycle.lock();
        try {
            return sync;
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
            stopRequested.countDown();
            if (metadataLoop != null) {
                metadataLoop.interrupt();
            }
            if (nodeStatus != null) {
                nodeStatus.close();
            }
            if (pods != null) {
                pods.close();
            }
            if (housekeeping != null) {
                housekeeping.close();
            }
            if (runtime != null) {
                runtime.close();
            }
            if (sync != null) {
                sync.close();
            }
            if (rotator != null) {
                rotator.close();
            }
            LOG.info("agent stopped");
        } finally {
            lifecycle.unlock();
            stopRequested.countDown();
        }
    }
}
