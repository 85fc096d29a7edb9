package io.outpost.agent.runtime;

import java.time.Instant;

/**
 * A sandbox as the runtime knows it (CRI {@code PodSandboxStatus}).
 *
 * @param ready false once stopped (or, after a host reboot, when it no longer exists)
 * @param ip    the pod's IP (the host's IP for host-network and process sandboxes)
 */
public record SandboxStatus(String id, SandboxConfig config, boolean ready, String ip, Instant createdAt) {
}
