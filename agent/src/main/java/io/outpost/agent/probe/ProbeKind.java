package io.outpost.agent.probe;

/** The three probes and the result each starts with (kubelet's {@code initialValue}). */
public enum ProbeKind {
    /** Starts Success: a container is alive until proven otherwise. */
    LIVENESS(ProbeResult.SUCCESS),
    /** Starts Failure: a container is not ready until a probe succeeds. */
    READINESS(ProbeResult.FAILURE),
    /** Starts Unknown: liveness and readiness wait for it to succeed. */
    STARTUP(ProbeResult.UNKNOWN);

    private final ProbeResult initial;

    ProbeKind(ProbeResult initial) {
        this.initial = initial;
    }

    public ProbeResult initial() {
        return initial;
    }
}
