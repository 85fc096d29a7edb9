package io.outpost.controllers;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.outpost.controllers.cronjob.CronJobController;
import io.outpost.controllers.daemonset.DaemonSetController;
import io.outpost.controllers.certificates.CsrApprovingController;
import io.outpost.controllers.certificates.CsrCleanerController;
import io.outpost.controllers.certificates.CsrSigner;
import io.outpost.controllers.certificates.CsrSigningController;
import io.outpost.controllers.deployment.DeploymentController;
import io.outpost.controllers.endpoint.EndpointsController;
import io.outpost.controllers.endpointslice.EndpointSliceController;
import io.outpost.controllers.garbagecollector.GarbageCollector;
import io.outpost.controllers.job.JobController;
import io.outpost.controllers.namespace.NamespaceController;
import io.outpost.controllers.nodeipam.NodeIpamController;
import io.outpost.controllers.nodeipam.NodeIpamSettings;
import io.outpost.controllers.nodelifecycle.NodeLifecycleController;
import io.outpost.controllers.nodelifecycle.Timings;
import io.outpost.controllers.replicaset.ReplicaSetController;
import io.outpost.controllers.runtime.Controller;
import io.outpost.controllers.runtime.ControllerConfig;
import io.outpost.controllers.runtime.ControllerContext;
import io.outpost.controllers.runtime.ControllerManager;
import io.outpost.controllers.rootcacertpublisher.RootCaCertPublisher;
import io.outpost.controllers.serviceaccount.ServiceAccountsController;
import io.outpost.controllers.statefulset.StatefulSetController;
import io.outpost.controllers.ttlafterfinished.TtlAfterFinishedController;
import io.outpost.leaderelection.ApiLeaseLock;
import io.outpost.leaderelection.LeaderElector;

/**
 * The one place that lists Outpost's controllers and how many workers each gets
 * (kube-controller-manager's defaults: {@code --concurrent-gc-syncs=20},
 * {@code --concurrent-replicaset-syncs=5}, {@code --concurrent-deployment-syncs=5},
 * {@code --concurrent-endpoint-syncs=5}, {@code --concurrent-service-endpoint-syncs=5},
 * {@code --concurrent-job-syncs=5}, {@code --concurrent-ttl-after-finished-syncs=5},
 * {@code --concurrent-cron-job-syncs=5}, {@code --concurrent-namespace-syncs=10},
 * {@code --concurrent-daemonset-syncs=2}, {@code --concurrent-statefulset-syncs=5}; the
 * ServiceAccount controller runs one worker, as kube starts it; the node lifecycle controller,
 * a single loop in kube, gets 5 so that a site losing its link is marked quickly; the node IPAM
 * controller 5, where kube's range allocator runs 30 {@code cidrUpdateWorkers} for far larger clusters).
 */
public final class ControllerManagers {

    /** The Lease the controller managers of one cluster elect their leader over. */
    public static final String LEASE_NAMESPACE = "kube-system";
    public static final String LEASE_NAME = "outpost-controller-manager";

    private ControllerManagers() {
    }

    /**
     * What individual controllers take beyond workers and the clock.
     *
     * @param nodeLifecycle the node lifecycle controller's grace periods
     * @param nodeIpam      the cluster CIDR the node IPAM controller divides among nodes
     */
    public record Settings(Timings nodeLifecycle, NodeIpamSettings nodeIpam) {

        /** {@code nodeLifecycle} with the default cluster CIDR. */
        public Settings(Timings nodeLifecycle) {
            this(nodeLifecycle, NodeIpamSettings.defaults());
        }

        /** kube-controller-manager's defaults, and k3s's cluster CIDR. */
        public static Settings defaults() {
            return new Settings(Timings.defaults());
        }

        public Settings withNodeIpam(NodeIpamSettings settings) {
            return new Settings(nodeLifecycle, settings);
        }
    }

    /** Every controller, by name, in start order, with the default settings and no CSR signer (no CA key here). */
    public static Map<String, Function<ControllerContext, Controller>> all(Clock clock) {
        return all(clock, Settings.defaults(), Optional.empty());
    }

    /**
     * Every controller, by name, in start order; the CSR approving and signing controllers (five
     * workers each, as kube-controller-manager runs them), the CSR cleaner and the root CA
     * publisher (one each) only with the process's {@code signer}, which holds the CA.
     */
    public static Map<String, Function<ControllerContext, Controller>> all(Clock clock, Settings settings,
                                                                           Optional<CsrSigner> signer) {
        Map<String, Function<ControllerContext, Controller>> controllers = new LinkedHashMap<>();
        add(controllers, GarbageCollector.NAME, c -> new GarbageCollector(c, new ControllerConfig(20, clock)));
        add(controllers, ReplicaSetController.NAME, c -> new ReplicaSetController(c, new ControllerConfig(5, clock)));
        add(controllers, DeploymentController.NAME, c -> new DeploymentController(c, new ControllerConfig(5, clock)));
        add(controllers, NamespaceController.NAME, c -> new NamespaceController(c, new ControllerConfig(10, clock)));
        add(controllers, ServiceAccountsController.NAME, c -> new ServiceAccountsController(c, new ControllerConfig(1, clock)));
        add(controllers, EndpointsController.NAME, c -> new EndpointsController(c, new ControllerConfig(5, clock)));
        add(controllers, EndpointSliceController.NAME, c -> new EndpointSliceController(c, new ControllerConfig(5, clock)));
        add(controllers, JobController.NAME, c -> new JobController(c, new ControllerConfig(5, clock)));
        add(controllers, CronJobController.NAME, c -> new CronJobController(c, new ControllerConfig(5, clock)));
        add(controllers, DaemonSetController.NAME, c -> new DaemonSetController(c, new ControllerConfig(2, clock)));
        add(controllers, StatefulSetController.NAME, c -> new StatefulSetController(c, new ControllerConfig(5, clock)));
        add(controllers, TtlAfterFinishedController.NAME, c -> new TtlAfterFinishedController(c, new ControllerConfig(5, clock)));
        add(controllers, NodeLifecycleController.NAME, c -> new NodeLifecycleController(c, new ControllerConfig(5, clock),
                settings.nodeLifecycle()));
        add(controllers, NodeIpamController.NAME, c -> new NodeIpamController(c, new ControllerConfig(5, clock),
                settings.nodeIpam()));
        if (signer.isPresent()) {
            add(controllers, CsrApprovingController.NAME, c -> new CsrApprovingController(c, new ControllerConfig(5, clock)));
            add(controllers, CsrSigningController.NAME, c -> new CsrSigningController(c, new ControllerConfig(5, clock), signer.get()));
            add(controllers, CsrCleanerController.NAME, c -> new CsrCleanerController(c, new ControllerConfig(1, clock)));
            // The CA certificate comes with the process that holds the CA, as kube's --root-ca-file.
            add(controllers, RootCaCertPublisher.NAME, c -> new RootCaCertPublisher(c, new ControllerConfig(1, clock),
                    signer.get().caBundle()));
        }
        return controllers;
    }

    private static void add(Map<String, Function<ControllerContext, Controller>> map, String name,
                            Function<ControllerContext, Controller> factory) {
        if (map.putIfAbsent(name, factory) != null) {
            throw new IllegalStateException("controller " + name + " registered twice");
        }
    }

    /**
     * A manager running every controller over {@code client} once {@code identity} leads the
     * {@code kube-system/outpost-controller-manager} Lease (kube's 15 s / 10 s / 2 s timings).
     */
    public static ControllerManager leaderElected(KubernetesClient client, Clock clock, String identity) {
        return leaderElected(client, clock, identity, Settings.defaults(), Optional.empty());
    }

    /**
     * The same with {@code settings} for the controllers that take some, and the CSR controllers
     * when a signer is given.
     */
    public static ControllerManager leaderElected(KubernetesClient client, Clock clock, String identity,
                                                  Settings settings, Optional<CsrSigner> signer) {
        LeaderElector.Config election = LeaderElector.Config.defaults(
                new ApiLeaseLock(client, LEASE_NAMESPACE, LEASE_NAME), identity, clock);
        return new ControllerManager(new ControllerManager.Config(client, clock, all(clock, settings, signer), Optional.of(election),
                Duration.ofMinutes(1)));
    }
}
