package io.outpost.bench;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.outpost.scheduler.PluginRegistry;
import io.outpost.scheduler.PodConditionWriter;
import io.outpost.scheduler.Scheduler;
import io.outpost.scheduler.SchedulerCache;
import io.outpost.scheduler.SchedulerConfiguration;
import io.outpost.scheduler.SchedulingQueue;
import io.outpost.scheduler.framework.Binder;
import io.outpost.scheduler.framework.Status;

/**
 * Scheduling throughput after kube-scheduler's scheduler_perf: pods scheduled per second on the
 * in-memory path only (the default profile's framework, the cache, the queue; binding to a
 * recorder that counts, events to nowhere), so the figure is the scheduler's own and not the API
 * server's. Nodes as scheduler_perf's node-default (4 CPUs, 32 GiB, 110 pods, 3 zones), pods as
 * its pod-default (pause, 100m CPU, 500 MiB).
 *
 * <ul>
 *   <li>{@code SchedulingBasic}: 5,000 nodes, 10,000 pods without constraints;</li>
 *   <li>{@code TopologySpreading}: the same with {@code maxSkew: 1} over the zone,
 *       {@code DoNotSchedule}, for pods of one app (every pod counts every other).</li>
 * </ul>
 * Each workload runs once to warm up, then {@value #ROUNDS} times on a fresh cluster; the
 * median round is reported. The clock starts when the queue holds all pods.
 *
 * <pre>
 * ./mvnw -B -q -pl bench -am package -DskipTests
 * java -cp bench/target/benchmarks.jar io.outpost.bench.SchedulerPerf          # about 1 minute
 * java -cp bench/target/benchmarks.jar io.outpost.bench.SchedulerPerf quick    # 1,000 nodes / 2,000 pods
 * java -cp bench/target/benchmarks.jar io.outpost.bench.SchedulerPerf full TopologySpreading   # one workload
 * </pre>
 *
 * <p>Last measured (2026-11-25, 2 cores shared with other builds, load 5–8, JDK 25; goal 1,000
 * pods/s): SchedulingBasic 5,000 nodes / 10,000 pods median 7,527 pods/s wall (rounds 1,699 to
 * 14,345: the machine's load), 12,428 pods per CPU-second; TopologySpreading median 5,549 pods/s
 * wall, 6,314 per CPU-second. Before PodTopologySpread kept its counts across cycles it was 379
 * pods/s wall, 755 per CPU-second (every node visited for every pod).
 */
public final class SchedulerPerf {

    static final int ROUNDS = 5;

    public static void main(String[] args) {
        boolean quick = args.length > 0 && args[0].equals("quick");
        int nodes = quick ? 1_000 : 5_000;
        int pods = quick ? 2_000 : 10_000;
        List<String> workloads = args.length > 1 ? List.of(args[1]) : List.of("SchedulingBasic", "TopologySpreading");
        for (String workload : workloads) {
            boolean spread = workload.equals("TopologySpreading");
            run(nodes, pods, spread); // warm-up
            List<double[]> rounds = new ArrayList<>();
            for (int i = 0; i < ROUNDS; i++) {
                rounds.add(run(nodes, pods, spread));
            }
            System.out.printf(Locale.ROOT,
                    "%-18s %,d nodes %,d pods: median %,.0f pods/s wall, %,.0f pods per CPU-second (rounds %s)%n",
                    workload, nodes, pods, median(rounds, 0), median(rounds, 1),
                    rounds.stream().map(r -> String.format(Locale.ROOT, "%,.0f", r[0])).toList());
        }
    }

    static double median(List<double[]> rounds, int column) {
        List<Double> values = new ArrayList<>();
        rounds.forEach(r -> values.add(r[column]));
        Collections.sort(values);
        return values.get(values.size() / 2);
    }

    /**
     * One round: pods per second of wall time, and per second of the scheduling thread's CPU time
     * (the latter is what the scheduler would do with a core to itself; on a shared machine the
     * wall figure also counts the time other processes held the cores).
     */
    static double[] run(int nodeCount, int podCount, boolean spread) {
        AtomicInteger bound = new AtomicInteger();
        Binder recorder = (pod, node) -> {
            bound.incrementAndGet();
            return Status.SUCCESS;
        };
        Clock clock = Clock.systemUTC();
        SchedulerCache cache = new SchedulerCache();
        SchedulingQueue queue = new SchedulingQueue(clock, Duration.ofSeconds(1), Duration.ofSeconds(10),
                Duration.ofMinutes(5));
        var frameworks = SchedulerConfiguration.defaultConfiguration().frameworks(PluginRegistry.inTree(), clock,
                recorder);
        Scheduler scheduler = new Scheduler(new Scheduler.Config(frameworks, cache, queue,
                (pod, type, reason, message) -> {
                }, PodConditionWriter.NONE, clock, Runnable::run));
        for (int i = 0; i < nodeCount; i++) {
            scheduler.onNode(node(i));
        }
        for (int i = 0; i < podCount; i++) {
            scheduler.onPod(pod(i, spread));
        }
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        while (scheduler.scheduleNext()) {
            // one pod per call
        }
        long elapsed = System.nanoTime() - start;
        long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
        if (bound.get() != podCount) {
            throw new IllegalStateException("only " + bound.get() + " of " + podCount + " pods were bound");
        }
        return new double[] {podCount / (elapsed / 1e9), podCount / (cpu / 1e9)};
    }

    static Node node(int i) {
        String name = "node-" + i;
        return new NodeBuilder().withNewMetadata().withName(name)
                .withLabels(Map.of("kubernetes.io/hostname", name, "topology.kubernetes.io/zone", "zone-" + (i % 3)))
                .endMetadata().withNewSpec().endSpec().withNewStatus()
                .withAllocatable(Map.of("cpu", new Quantity("4"), "memory", new Quantity("32Gi"), "pods",
                        new Quantity("110")))
                .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build();
    }

    static Pod pod(int i, boolean spread) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName("pod-" + i).withNamespace("bench")
                .withUid("uid-" + i).addToLabels("app", "bench").endMetadata().withNewSpec().addNewContainer()
                .withName("pause").withImage("registry.k8s.io/pause:3.10").withNewResources()
                .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("500Mi"))).endResources()
                .endContainer().endSpec();
        if (spread) {
            b.editSpec().withTopologySpreadConstraints(new TopologySpreadConstraintBuilder().withMaxSkew(1)
                    .withTopologyKey("topology.kubernetes.io/zone").withWhenUnsatisfiable("DoNotSchedule")
                    .withLabelSelector(new LabelSelectorBuilder().addToMatchLabels("app", "bench").build()).build())
                    .endSpec();
        }
        return b.build();
    }
}
