package io.outpost.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link StoreBenchmark} for SQLite and etcd in one go: writes and reads at 1, 8 and 64
 * threads, and watch latency, then prints one table. etcd is Debian's etcd-server, started by the
 * benchmark on this machine.
 *
 * <pre>
 * ./mvnw -B -q -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar            # about 5 minutes on 2 cores
 * java -jar bench/target/benchmarks.jar quick      # one short iteration each, to try it
 * </pre>
 */
public final class StoreBench {

    private static final int[] THREADS = {1, 8, 64};

    private StoreBench() {
    }

    public static void main(String[] args) throws RunnerException {
        boolean quick = args.length > 0 && args[0].equals("quick");
        List<String> rows = new ArrayList<>();
        for (int threads : THREADS) {
            for (RunResult r : run("StoreBenchmark\\.(write|read)$", threads, quick)) {
                rows.add(row(r, threads));
            }
        }
        for (RunResult r : run("StoreBenchmark\\.watchLatency$", 1, quick)) {
            rows.add(row(r, 1));
        }
        System.out.println();
        System.out.println(String.format(Locale.ROOT, "%-14s %-8s %7s  %s", "benchmark", "backend", "threads", "result"));
        rows.forEach(System.out::println);
    }

    private static Collection<RunResult> run(String include, int threads, boolean quick) throws RunnerException {
        Options options = new OptionsBuilder()
                .include(include)
                .threads(threads)
                .forks(1)
                .jvmArgsAppend("--enable-native-access=ALL-UNNAMED", "-Xmx1g")
                .warmupIterations(quick ? 1 : 2)
                .warmupTime(TimeValue.seconds(quick ? 1 : 3))
                .measurementIterations(quick ? 1 : 3)
                .measurementTime(TimeValue.seconds(quick ? 2 : 4))
                .build();
        return new Runner(options).run();
    }

    private static String row(RunResult r, int threads) {
        String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
        Result<?> primary = r.getPrimaryResult();
        String result = name.equals("watchLatency")
                ? String.format(Locale.ROOT, "median %.0f us, p99 %.0f us (%d samples)",
                        primary.getStatistics().getPercentile(50), primary.getStatistics().getPercentile(99),
                        primary.getStatistics().getN())
                : String.format(Locale.ROOT, "%.0f ops/s ± %.0f", primary.getScore(), primary.getScoreError());
        return String.format(Locale.ROOT, "%-14s %-8s %7d  %s", name, r.getParams().getParam("backend"), threads, result);
    }
}
