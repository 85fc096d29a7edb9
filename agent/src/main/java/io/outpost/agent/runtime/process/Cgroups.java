package io.outpost.agent.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.outpost.agent.runtime.Resources;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-container cgroups for the process runtime, on whatever this host allows: cgroup v2 (a
 * unified hierarchy with the memory and cpu controllers, at {@code /sys/fs/cgroup} or, on hybrid
 * hosts, {@code /sys/fs/cgroup/unified}), else v1 ({@code /sys/fs/cgroup/memory} and {@code cpu})
 * where writable, else none: then containers run without limits, which is said once in the log and
 * in {@link #note()} (shown as a node annotation). Limits as the CRI runtimes set them: CFS quota
 * over a 100 ms period from the CPU limit, shares (v1) or weight (v2) from the request, the memory
 * limit; an OOM kill is read back from {@code memory.oom_control} (v1) or {@code memory.events} (v2).
 *
 * <p>Thread model: stateless after detection; any thread.
 */
final class Cgroups {

    enum Mode { V2, V1, NONE }

    private static final Logger LOG = LoggerFactory.getLogger(Cgroups.class);
    private static final long PERIOD_US = 100_000;
    private static final String PARENT = "outpost";

    private final Mode mode;
    private final Path v2Root;
    private final Path v1Memory;
    private final Path v1Cpu;
    private final String note;

    private Cgroups(Mode mode, Path v2Root, Path v1Memory, Path v1Cpu, String note) {
        this.mode = mode;
        this.v2Root = v2Root;
        this.v1Memory = v1Memory;
        this.v1Cpu = v1Cpu;
        this.note = note;
    }

    /** Detects what this host allows under {@code sysfsCgroup} (normally {@code /sys/fs/cgroup}). */
    static Cgroups detect(Path sysfsCgroup) {
        for (Path root : List.of(sysfsCgroup, sysfsCgroup.resolve("unified"))) {
            Path controllers = root.resolve("cgroup.controllers");
            try {
                if (Files.exists(controllers)) {
                    String have = Files.readString(controllers);
                    if (have.contains("memory") && have.contains("cpu")) {
                        Path parent = root.resolve(PARENT);
                        Files.createDirectories(parent);
                        enableControllers(root);
                        Files.writeString(parent.resolve("cgroup.subtree_control"), "+memory +cpu");
                        return new Cgroups(Mode.V2, parent, null, null, "cgroup v2 at " + root);
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("cgroup v2 at {} is not usable: {}", root, e.toString());
            }
        }
        Path mem = sysfsCgroup.resolve("memory");
        Path cpu = Files.isDirectory(sysfsCgroup.resolve("cpu")) ? sysfsCgroup.resolve("cpu") : sysfsCgroup.resolve("cpu,cpuacct");
        try {
            if (Files.exists(mem.resolve("memory.limit_in_bytes")) && Files.exists(cpu.resolve("cpu.cfs_quota_us"))) {
                Files.createDirectories(mem.resolve(PARENT));
                Files.createDirectories(cpu.resolve(PARENT));
                return new Cgroups(Mode.V1, null, mem.resolve(PARENT), cpu.resolve(PARENT), "cgroup v1 at " + sysfsCgroup);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cgroup v1 at {} is not usable: {}", sysfsCgroup, e.toString());
        }
        String why = "no writable cgroup v2 with memory and cpu controllers nor cgroup v1 under " + sysfsCgroup
                + ": containers run without CPU and memory limits";
        LOG.warn("{}", why);
        return none(why);
    }

    /**
     * Enables the memory and cpu controllers for the children of {@code root}. In a container's
     * cgroup namespace the root holds processes, and cgroup v2 refuses controllers to a group with
     * processes of its own ("no internal processes"): then, as k3s and kind do when they start in
     * a container, the root's processes move to a leaf {@code init} group first. Only done when
     * this process sits at the root of its cgroup namespace ({@code 0::/}).
     */
    private static void enableControllers(Path root) throws IOException {
        Path control = root.resolve("cgroup.subtree_control");
        try {
            Files.writeString(control, "+memory +cpu");
        } catch (IOException refused) {
            if (!Files.readString(Path.of("/proc/self/cgroup")).lines().anyMatch(l -> l.equals("0::/"))) {
                throw refused;
            }
            Path init = root.resolve("init");
            Files.createDirectories(init);
            for (String pid : Files.readAllLines(root.resolve("cgroup.procs"))) {
                try {
                    Files.writeString(init.resolve("cgroup.procs"), pid);
                } catch (IOException gone) {
                    // the process exited meanwhile, or is a kernel thread that cannot move
                }
            }
            LOG.info("moved the processes of {} into {} so its children can have memory and cpu limits", root, init);
            Files.writeString(control, "+memory +cpu");
        }
    }

    static Cgroups none(String why) {
        return new Cgroups(Mode.NONE, null, null, null, why);
    }

    Mode mode() {
        return mode;
    }

    /** What limits this host enforces, for the node's annotation. */
    String note() {
        return mode == Mode.NONE ? "none: " + note : note;
    }

    /**
     * Creates the container's cgroup(s) with its limits; answers the {@code cgroup.procs} files the
     * shim writes its pid into (empty when nothing is enforced or nothing is limited).
     */
    List<Path> create(String containerId, Resources r) throws IOException {
        List<Path> procs = new ArrayList<>();
        if (mode == Mode.NONE || r.equals(Resources.NONE)) {
            return procs;
        }
        if (mode == Mode.V2) {
            Path dir = v2Root.resolve(containerId);
            Files.createDirectories(dir);
            if (r.memoryLimitBytes() > 0) {
                Files.writeString(dir.resolve("memory.max"), Long.toString(r.memoryLimitBytes()));
                writeIfExists(dir.resolve("memory.swap.max"), "0");
            }
            if (r.cpuMillisLimit() > 0) {
                Files.writeString(dir.resolve("cpu.max"), quota(r) + " " + PERIOD_US);
            }
            long shares = shares(r);
            Files.writeString(dir.resolve("cpu.weight"), Long.toString(1 + ((shares - 2) * 9999) / 262142));
            procs.add(dir.resolve("cgroup.procs"));
            return procs;
        }
        Path m = v1Memory.resolve(containerId);
        Files.createDirectories(m);
        if (r.memoryLimitBytes() > 0) {
            Files.writeString(m.resolve("memory.limit_in_bytes"), Long.toString(r.memoryLimitBytes()));
            writeIfExists(m.resolve("memory.swappiness"), "0");
        }
        procs.add(m.resolve("cgroup.procs"));
        Path c = v1Cpu.resolve(containerId);
        Files.createDirectories(c);
        if (r.cpuMillisLimit() > 0) {
            Files.writeString(c.resolve("cpu.cfs_period_us"), Long.toString(PERIOD_US));
            Files.writeString(c.resolve("cpu.cfs_quota_us"), Long.toString(quota(r)));
        }
        Files.writeString(c.resolve("cpu.shares"), Long.toString(shares(r)));
        procs.add(c.resolve("cgroup.procs"));
        return procs;
    }

    /** Kubelet's {@code MilliCPUToQuota}: at least 1 ms per period. */
    private static long quota(Resources r) {
        return Math.max(1000, r.cpuMillisLimit() * PERIOD_US / 1000);
    }

    /** Kubelet's {@code MilliCPUToShares}: 2 for no request. */
    private static long shares(Resources r) {
        long millis = r.cpuMillisRequest() > 0 ? r.cpuMillisRequest() : r.cpuMillisLimit();
        return millis == 0 ? 2 : Math.max(2, millis * 1024 / 1000);
    }

    /** True if the kernel OOM-killed a process of the container's cgroup. */
    boolean oomKilled(String containerId) {
        try {
            Path f = switch (mode) {
                case V2 -> v2Root.resolve(containerId).resolve("memory.events");
                case V1 -> v1Memory.resolve(containerId).resolve("memory.oom_control");
                case NONE -> null;
            };
            if (f == null || !Files.exists(f)) {
                return false;
            }
            for (String line : Files.readAllLines(f)) {
                String[] kv = line.trim().split("\\s+");
                if (kv.length == 2 && kv[0].equals("oom_kill") && Long.parseLong(kv[1]) > 0) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /** Removes the container's cgroups (they must be empty: its processes have exited). */
    void remove(String containerId) {
        List<Optional<Path>> dirs = switch (mode) {
            case V2 -> List.of(Optional.of(v2Root.resolve(containerId)));
            case V1 -> List.of(Optional.of(v1Memory.resolve(containerId)), Optional.of(v1Cpu.resolve(containerId)));
            case NONE -> List.of();
        };
        for (Optional<Path> d : dirs) {
            try {
                Files.deleteIfExists(d.orElseThrow());
            } catch (IOException e) {
                LOG.debug("cgroup {} not removed: {}", d.orElseThrow(), e.toString());
            }
        }
    }

    private static void writeIfExists(Path f, String value) {
        try {
            if (Files.exists(f)) {
                Files.writeString(f, value);
            }
        } catch (IOException e) {
            LOG.debug("{} not written: {}", f, e.toString());
        }
    }
}
