package io.outpost.agent.runtime.containerd;

import java.time.Instant;

/**
 * One container's resource usage (CRI {@code ContainerStats}), what kubelet's summary API and
 * {@code kubectl top} read: cumulative CPU time, the memory working set (usage less inactive file
 * pages, what the OOM killer and evictions judge by) and the writable layer's size.
 *
 * @param cpuUsageCoreNanos    cumulative CPU time over all cores since the container started
 * @param memoryWorkingSetBytes 0 when the runtime does not report it
 * @param writableLayerBytes   0 when the runtime does not report it
 */
public record ContainerStats(String containerId, String name, Instant timestamp, long cpuUsageCoreNanos,
                             long memoryWorkingSetBytes, long writableLayerBytes) {

    static ContainerStats of(io.outpost.cri.v1.ContainerStats s) {
        long ts = Math.max(s.getCpu().getTimestamp(), s.getMemory().getTimestamp());
        return new ContainerStats(s.getAttributes().getId(), s.getAttributes().getMetadata().getName(), CriMapping.instant(ts),
                s.getCpu().getUsageCoreNanoSeconds().getValue(), s.getMemory().getWorkingSetBytes().getValue(),
                s.getWritableLayer().getUsedBytes().getValue());
    }
}
