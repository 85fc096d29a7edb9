package io.outpost.agent.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Identifies a process across agent restarts: a pid alone can be reused, so a recorded pid is only
 * the same process if {@code /proc/<pid>/stat}'s start time (field 22, clock ticks since boot) and
 * the kernel's boot id still match. A zombie counts as gone.
 */
record ProcStat(long pid, long startTicks, String bootId) {

    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    /** The live process {@code pid}, or empty if there is none (or only its zombie). */
    static Optional<ProcStat> of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) is in parentheses and may hold spaces: split after it
            String rest = stat.substring(stat.lastIndexOf(')') + 2);
            String[] f = rest.split(" ");
            if (f[0].equals("Z") || f[0].equals("X")) {
                return Optional.empty();
            }
            return Optional.of(new ProcStat(pid, Long.parseLong(f[19]), currentBootId()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The kernel's boot id, read once: it changes only with a reboot, which ends this process too
     * ({@link #alive} is asked of every adopted container at each log poll).
     */
    static String currentBootId() {
        return BootId.VALUE;
    }

    private static final class BootId {
        static final String VALUE = read();

        private static String read() {
            try {
                return Files.readString(BOOT_ID).strip();
            } catch (IOException e) {
                return "";
            }
        }
    }

    /** True if the process recorded as {@code this} is still the one running. */
    boolean alive() {
        return of(pid).map(now -> now.startTicks() == startTicks && now.bootId().equals(bootId)).orElse(false);
    }
}
