package io.outpost.agent.pods;

import java.time.Duration;
import java.util.List;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Probe;
import io.outpost.agent.probe.ProbeResult;
import io.outpost.agent.probe.Prober;
import io.outpost.agent.runtime.ContainerRuntime;

/** The simulated runtime's prober: nothing runs, so every probe and hook succeeds. */
final class SucceedingProber extends Prober {

    private static final Outcome OK = new Outcome(ProbeResult.SUCCESS, "");

    SucceedingProber(ContainerRuntime runtime) {
        super(runtime);
    }

    @Override
    public Outcome probe(Probe probe, Container container, String containerId, String podIp) {
        return OK;
    }

    @Override
    public Outcome exec(String containerId, List<String> command, Duration timeout) {
        return OK;
    }

    @Override
    public Outcome httpGet(HTTPGetAction get, Container container, String podIp, Duration timeout) {
        return OK;
    }

    @Override
    public Outcome tcp(String host, int port, Duration timeout) {
        return OK;
    }
}
