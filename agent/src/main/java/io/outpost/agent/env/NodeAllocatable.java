package io.outpost.agent.env;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The node's allocatable CPU and memory: what {@code resourceFieldRef} answers for a container
 * without a limit (kubelet merges node allocatable into unset limits).
 */
public record NodeAllocatable(long cpuMillis, long memoryBytes) {

    /** From this host: the processors the JVM sees and {@code MemTotal} of {@code /proc/meminfo}. */
    public static NodeAllocatable ofHost() {
        return new NodeAllocatable(Runtime.getRuntime().availableProcessors() * 1000L, memTotalBytes(Path.of("/proc/meminfo")));
    }

    /** {@code MemTotal} in bytes, or the JVM's guess when {@code /proc/meminfo} is not there. */
    public static long memTotalBytes(Path meminfo) {
        return meminfoBytes(meminfo, "MemTotal").orElse(Runtime.getRuntime().maxMemory());
    }

    /** A {@code /proc/meminfo} field ({@code "MemAvailable"}) in bytes. */
    public static java.util.Optional<Long> meminfoBytes(Path meminfo, String field) {
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith(field + ":")) {
                    String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                    long value = Long.parseLong(parts[0]);
                    return java.util.Optional.of(parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? value * 1024 : value);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.empty();
    }
}
