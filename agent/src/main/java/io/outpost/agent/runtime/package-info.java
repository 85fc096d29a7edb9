/**
 * The container runtime interface, shaped as CRI's {@code RuntimeService} (sandbox and containers,
 * create/start/stop/remove, status, exec, a log path chosen by the caller), and {@link
 * io.outpost.agent.runtime.Runtimes}, the one place that builds one by name. Implementations:
 * {@code process} (host processes, {@link io.outpost.agent.runtime.process.ProcessRuntime}) and
 * {@code simulated} (no processes, for scale tests, {@link
 * io.outpost.agent.runtime.simulated.SimulatedRuntime}); a containerd CRI client fits behind the
 * same interface.
 */
package io.outpost.agent.runtime;
