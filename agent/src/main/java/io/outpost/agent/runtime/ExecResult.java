package io.outpost.agent.runtime;

/** The outcome of {@link ContainerRuntime#execSync}: exit code and (bounded) output. */
public record ExecResult(int exitCode, String stdout, String stderr, boolean timedOut) {
}
