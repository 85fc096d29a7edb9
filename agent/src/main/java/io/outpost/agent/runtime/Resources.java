package io.outpost.agent.runtime;

/**
 * The limits a runtime enforces (CRI {@code LinuxContainerResources}), computed by the pod worker
 * as kubelet does: CFS quota from the CPU limit, shares from the CPU request, memory limit.
 *
 * @param cpuMillisLimit   0 for none
 * @param cpuMillisRequest 0 for none (the runtime uses the minimum shares)
 * @param memoryLimitBytes 0 for none
 */
public record Resources(long cpuMillisLimit, long cpuMillisRequest, long memoryLimitBytes) {

    public static final Resources NONE = new Resources(0, 0, 0);
}
