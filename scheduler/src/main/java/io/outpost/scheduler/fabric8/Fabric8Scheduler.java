package io.outpost.scheduler.fabric8;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.outpost.scheduler.PluginRegistry;
import io.outpost.scheduler.Scheduler;
import io.outpost.scheduler.SchedulerCache;
import io.outpost.scheduler.SchedulerConfiguration;
import io.outpost.scheduler.SchedulingQueue;
import io.outpost.scheduler.framework.Framework;

/**
 * The scheduler running against the API through a fabric8 client: SharedInformers on Nodes and
 * on Pods of every namespace feed the {@link Scheduler}'s cache and queue, bindings go through
 * {@code pods/binding}, events are core/v1 Events, a pod that cannot be scheduled gets
 * {@code PodScheduled=False} in its status, and preemption deletes its victims through the API. Needs the rights kube's
 * {@code system:kube-scheduler} role grants (list/watch nodes and pods, create pods/binding and
 * events, delete pods and update pods/status); inside {@code outpost server} it runs on the loopback admin client.
 *
 * <pre>
 * try (var scheduler = new Fabric8Scheduler(new Fabric8Scheduler.Config(client,
 *         SchedulerConfiguration.defaultConfiguration(), Clock.systemUTC()))) {
 *     scheduler.start();   // returns once the informers have synced
 *     ...
 * }
 * </pre>
 *
 * <p>Thread model: fabric8 delivers each informer's events on one thread of its own; they only
 * update the cache and the queue. Scheduling has its own thread, bindings and event writes run
 * on virtual threads. {@link #close} stops the informers first, then the scheduler.
 */
public final class Fabric8Scheduler implements AutoCloseable {

    /** What it runs on, with which profiles, on which clock (the queue's back-off reads it). */
    public record Config(KubernetesClient client, SchedulerConfiguration configuration, Clock clock) {
    }

    private final Config config;
    private final ExecutorService bindings = Executors.newVirtualThreadPerTaskExecutor();
    private final ExecutorService eventWriter = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("scheduler-events").factory());
    private final Scheduler scheduler;
    private SharedIndexInformer<Node> nodes;
    private SharedIndexInformer<Pod> pods;

    public Fabric8Scheduler(Config config) {
        this.config = config;
        SchedulerConfiguration c = config.configuration();
        String component = c.profiles().isEmpty() ? "default-scheduler"
                : c.profiles().get(0).path("schedulerName").asString("default-scheduler");
        Fabric8EventRecorder events = new Fabric8EventRecorder(config.client(), eventWriter, config.clock(), component);
        List<Framework> frameworks = c.frameworks(PluginRegistry.inTree(), config.clock(),
                new Fabric8Binder(config.client()), new Fabric8PodEvicter(config.client(), bindings, events, config.clock()));
        SchedulingQueue queue = new SchedulingQueue(config.clock(), c.podInitialBackoff(), c.podMaxBackoff(),
                Duration.ofMinutes(5));
        this.scheduler = new Scheduler(new Scheduler.Config(frameworks, new SchedulerCache(), queue, events,
                new Fabric8PodConditionWriter(config.client(), eventWriter, config.clock()), config.clock(), bindings));
    }

    /** Starts the informers, waits for their first list, then starts scheduling. */
    public void start() {
        nodes = config.client().nodes().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                scheduler.onNode(node);
            }

            @Override
            public void onUpdate(Node old, Node node) {
                scheduler.onNode(node);
            }

            @Override
            public void onDelete(Node node, boolean finalStateUnknown) {
                scheduler.onNodeDelete(node);
            }
        }, 0);
        pods = config.client().pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                scheduler.onPod(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                scheduler.onPod(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                scheduler.onPodDelete(pod);
            }
        }, 0);
        scheduler.start();
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public void close() {
        if (pods != null) {
            pods.close();
        }
        if (nodes != null) {
            nodes.close();
        }
        scheduler.close();
        bindings.shutdown();
        eventWriter.shutdown();
        try {
            bindings.awaitTermination(30, TimeUnit.SECONDS);
            eventWriter.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
