package io.outpost.agent.probe;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.outpost.agent.runtime.ContainerRuntime;
import io.outpost.agent.runtime.ExecResult;
import io.outpost.agent.runtime.RuntimeFailure;

/**
 * Runs one probe once (kubelet's {@code prober.runProbe}): exec in the container's context (exit
 * code 0 succeeds), HTTP GET (a status in [200, 400) succeeds), TCP (a connection succeeds), each
 * within {@code timeoutSeconds}. gRPC probes are reported as failing with a message saying they
 * are not supported.
 *
 * <p>Thread model: stateless; called from probe workers and for lifecycle hooks.
 */
public class Prober {

    /** A probe's outcome and, on failure, kubelet's message for the Unhealthy event. */
    public record Outcome(ProbeResult result, String message) {
    }

    private final ContainerRuntime runtime;

    public Prober(ContainerRuntime runtime) {
        this.runtime = runtime;
    }

    public Outcome probe(Probe probe, Container container, String containerId, String podIp) {
        Duration timeout = Duration.ofSeconds(probe.getTimeoutSeconds() == null || probe.getTimeoutSeconds() < 1 ? 1 : probe.getTimeoutSeconds());
        if (probe.getExec() != null) {
            return exec(containerId, probe.getExec().getCommand(), timeout);
        }
        if (probe.getHttpGet() != null) {
            return httpGet(probe.getHttpGet(), container, podIp, timeout);
        }
        if (probe.getTcpSocket() != null) {
            String host = probe.getTcpSocket().getHost() == null || probe.getTcpSocket().getHost().isEmpty() ? podIp : probe.getTcpSocket().getHost();
            return tcp(host, port(probe.getTcpSocket().getPort(), container), timeout);
        }
        if (probe.getGrpc() != null) {
            return new Outcome(ProbeResult.FAILURE, "gRPC probes are not supported by the outpost agent");
        }
        return new Outcome(ProbeResult.FAILURE, "probe has no handler (exec, httpGet or tcpSocket)");
    }

    public Outcome exec(String containerId, List<String> command, Duration timeout) {
        try {
            ExecResult r = runtime.execSync(containerId, command, timeout);
            if (r.timedOut()) {
                return new Outcome(ProbeResult.FAILURE, "command " + command + " timed out after " + timeout.toSeconds() + "s");
            }
            if (r.exitCode() == 0) {
                return new Outcome(ProbeResult.SUCCESS, "");
            }
            String out = (r.stdout() + r.stderr()).strip();
            return new Outcome(ProbeResult.FAILURE, "command " + command + " exited with " + r.exitCode() + (out.isEmpty() ? "" : ": " + out));
        } catch (RuntimeFailure e) {
            return new Outcome(ProbeResult.FAILURE, e.getMessage());
        }
    }

    public Outcome httpGet(HTTPGetAction get, Container container, String podIp, Duration timeout) {
        String scheme = get.getScheme() == null ? "http" : get.getScheme().toLowerCase();
        String host = get.getHost() == null || get.getHost().isEmpty() ? podIp : get.getHost();
        String path = get.getPath() == null || get.getPath().isEmpty() ? "/" : get.getPath();
        if (!path.startsWith("/")) {
            path = "/" + path;
        }
        int port;
        try {
            port = port(get.getPort(), container);
        } catch (IllegalArgumentException e) {
            return new Outcome(ProbeResult.FAILURE, e.getMessage());
        }
        String url = scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + path;
        HttpURLConnection conn = null;
        try {
            conn = (HttpURLConnection) URI.create(url).toURL().openConnection();
            conn.setConnectTimeout((int) timeout.toMillis());
            conn.setReadTimeout((int) timeout.toMillis());
            conn.setInstanceFollowRedirects(true);
            conn.setRequestProperty("User-Agent", "kube-probe/outpost");
            conn.setRequestProperty("Accept", "*/*");
            if (get.getHttpHeaders() != null) {
                for (HTTPHeader h : get.getHttpHeaders()) {
                    conn.setRequestProperty(h.getName(), h.getValue());
                }
            }
            int code = conn.getResponseCode();
            if (code >= 200 && code < 400) {
                return new Outcome(ProbeResult.SUCCESS, "");
            }
            return new Outcome(ProbeResult.FAILURE, "HTTP probe failed with statuscode: " + code);
        } catch (IOException | IllegalArgumentException e) {
            return new Outcome(ProbeResult.FAILURE, "Get \"" + url + "\": " + e.getMessage());
        } finally {
            if (conn != null) {
                conn.disconnect();
            }
        }
    }

    public Outcome tcp(String host, int port, Duration timeout) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            return new Outcome(ProbeResult.SUCCESS, "");
        } catch (IOException | IllegalArgumentException e) {
            return new Outcome(ProbeResult.FAILURE, "dial tcp " + host + ":" + port + ": " + e.getMessage());
        }
    }

    /** A probe's port: a number, or the name of one of the container's ports. */
    static int port(IntOrString port, Container container) {
        if (port == null) {
            throw new IllegalArgumentException("probe has no port");
        }
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        String name = port.getStrVal();
        if (container.getPorts() != null) {
            for (ContainerPort p : container.getPorts()) {
                if (name.equals(p.getName())) {
                    return p.getContainerPort();
                }
            }
        }
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port " + name + " is not a port of container " + container.getName());
        }
    }
}
