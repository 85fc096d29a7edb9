package io.outpost.agent.probe;

/**
 * The threshold counting of one probe worker (kubelet's {@code worker.doProbe}): a result becomes
 * the probe's state only after it came {@code successThreshold} (or {@code failureThreshold}) times
 * in a row. Once a liveness or startup probe has failed, the worker is on hold (stops probing) until
 * the container is replaced — the restart is the pod worker's business.
 *
 * <p>Thread model: owned by one probe worker thread; read by others through {@link #current()}.
 */
public final class ProbeState {

    private final ProbeKind kind;
    private final int successThreshold;
    private final int failureThreshold;
    private volatile ProbeResult current;
    private volatile boolean onHold;
    private ProbeResult last;
    private int run;

    public ProbeState(ProbeKind kind, Integer successThreshold, Integer failureThreshold) {
        this.kind = kind;
        // API defaults (pkg/apis/core/v1/defaults.go): success 1, failure 3
        this.successThreshold = successThreshold == null || successThreshold < 1 ? 1 : successThreshold;
        this.failureThreshold = failureThreshold == null || failureThreshold < 1 ? 3 : failureThreshold;
        this.current = kind.initial();
    }

    public ProbeResult current() {
        return current;
    }

    public boolean onHold() {
        return onHold;
    }

    /** Counts one probe's outcome; answers true if the probe's state changed. */
    public boolean observe(ProbeResult result) {
        if (onHold) {
            return false;
        }
        if (result == last) {
            run++;
        } else {
            last = result;
            run = 1;
        }
        if ((result == ProbeResult.FAILURE && run < failureThreshold)
                || (result == ProbeResult.SUCCESS && run < successThreshold)) {
            return false;
        }
        boolean changed = current != result;
        current = result;
        if (result == ProbeResult.FAILURE && (kind == ProbeKind.LIVENESS || kind == ProbeKind.STARTUP)) {
            onHold = true;
            run = 0;
        }
        return changed;
    }
}
