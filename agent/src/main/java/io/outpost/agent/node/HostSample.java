package io.outpost.agent.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.outpost.agent.env.NodeAllocatable;

/**
 * One reading of the host's resources, the input of the node's capacity and pressure conditions.
 *
 * @param cpuMillis         processors, in millicores
 * @param memTotalBytes     {@code MemTotal}
 * @param memAvailableBytes {@code MemAvailable}
 * @param diskTotalBytes    the data dir's filesystem size
 * @param diskAvailableBytes what is usable on it
 */
public record HostSample(long cpuMillis, long memTotalBytes, long memAvailableBytes, long diskTotalBytes,
                         long diskAvailableBytes, long processes, long pidMax) {

    public static HostSample read(Path dataDir) {
        Path meminfo = Path.of("/proc/meminfo");
        long memTotal = NodeAllocatable.memTotalBytes(meminfo);
        long memAvailable = NodeAllocatable.meminfoBytes(meminfo, "MemAvailable").orElse(memTotal);
        long diskTotal = 0;
        long diskAvailable = 0;
        try {
            Files.createDirectories(dataDir);
            var store = Files.getFileStore(dataDir);
            diskTotal = store.getTotalSpace();
            diskAvailable = store.getUsableSpace();
        } catch (IOException e) {
            // reported as zero capacity: DiskPressure says the rest
        }
        return new HostSample(Runtime.getRuntime().availableProcessors() * 1000L, memTotal, memAvailable, diskTotal, diskAvailable,
                HostInfo.processCount(), HostInfo.pidMax());
    }
}
