package io.outpost.agent.probe;

/** A probe's result (kubelet's {@code results.Result}). */
public enum ProbeResult {
    SUCCESS, FAILURE, UNKNOWN
}
