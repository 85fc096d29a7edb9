/**
 * Liveness, readiness and startup probes (kubelet's {@code pkg/kubelet/prober}): one worker per
 * container and probe kind, thresholds counted by {@link io.outpost.agent.probe.ProbeState}, the
 * probe itself run by {@link io.outpost.agent.probe.Prober} (exec in the container's context,
 * HTTP GET, TCP).
 */
package io.outpost.agent.probe;
