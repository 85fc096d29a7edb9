package io.outpost.agent.pods;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import io.outpost.agent.testing.InMemoryDesiredState;
import io.outpost.agent.testing.Pods;

/**
 * Measures the resident memory of a JVM running only the pod manager with ten process pods (the
 * agent's goal: under 64 MB), and how long an agent started on a data dir whose processes all died
 * (a reboot) takes to have the ten pods Running again.
 *
 * <p>Run after {@code ./mvnw -pl agent -am test-compile}, with the test classpath of the agent:
 * <pre>
 * MALLOC_ARENA_MAX=2 java -Xms4m -Xmx24m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -Xss256k \
 *      -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:MaxMetaspaceSize=48m -XX:ReservedCodeCacheSize=16m \
 *      -XX:+UseCompactObjectHeaders -XX:-UsePerfData -cp "$CP" io.outpost.agent.pods.PodManagerFootprint
 * </pre>
 * Last measured (2026-11-25, Temurin 25, 2-core x86-64, cgroup v1 host, ten {@code sh} loops
 * logging every second, with cgroup limits): VmRSS 61.6 MB with those flags (58.4 MB adding
 * {@code -Xshare:off}, at the cost of a slower start), 70-78 MB with {@code -Xmx32m} and the
 * default initial heap, 100-120 MB with JVM defaults. An idle JVM with the same flags is 38.5 MB.
 * Jackson's databind, when loaded (it was used for the runtime's records at first), adds about
 * 9 MB here and 27 MB in an otherwise empty JVM.
 *
 * <p>The reboot path in a cold JVM ({@code DIR leave}, then {@code kill -KILL -- -<pgid>} of each
 * container's shim from its {@code record.properties}, then {@code DIR}): ten pods Running again
 * 1.26 s after the pod manager's construction (1.47 s for the first start on an empty data dir);
 * in the warm test JVM ({@code AutonomyTest}) 0.25-0.6 s.
 */
public final class PodManagerFootprint {

    private PodManagerFootprint() {
    }

    /**
     * Without arguments: a fresh data dir, measure, clean up. With {@code DIR leave}: start the pods
     * in DIR and exit leaving them running (a reboot test then kills their process groups); with
     * {@code DIR}: start on DIR (the reboot path when its processes are gone) and measure.
     */
    public static void main(String[] args) throws Exception {
        Path dataDir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("outpost-footprint");
        boolean leave = args.length > 1 && args[1].equals("leave");
        InMemoryDesiredState desired = new InMemoryDesiredState();
        for (int i = 0; i < 10; i++) {
            desired.put(new io.fabric8.kubernetes.api.model.PodBuilder(Pods.shell("p" + i, "while :; do echo tick $(date); sleep 1; done").build())
                    .editMetadata().withUid("00000000-0000-0000-0000-00000000000" + i).endMetadata().build());
        }
        long start = System.nanoTime();
        ProcessAgent agent = new ProcessAgent(dataDir, desired, Clock.systemUTC(), Path.of("/sys/fs/cgroup"));
        awaitRunning(agent);
        System.out.printf("10 pods Running %d ms after the pod manager's construction%n", (System.nanoTime() - start) / 1_000_000);
        if (leave) {
            agent.close();
            System.exit(0);
        }
        Thread.sleep(Duration.ofSeconds(10));
        System.gc();
        Thread.sleep(Duration.ofSeconds(5));
        System.out.println("with 10 process pods: " + rss());
        agent.close();
        agent.removeEverything();
    }

    private static void awaitRunning(ProcessAgent agent) throws InterruptedException {
        while (true) {
            int running = 0;
            for (int i = 0; i < 10; i++) {
                if (agent.sink.phase("default", "p" + i).equals("Running")) {
                    running++;
                }
            }
            if (running == 10) {
                return;
            }
            Thread.sleep(10);
        }
    }

    private static String rss() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS") || l.startsWith("VmHWM"))
                .map(String::strip).reduce((a, b) -> a + ", " + b).orElse("?");
    }
}
