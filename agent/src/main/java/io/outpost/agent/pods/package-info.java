/**
 * The agent's pod workers: a lightweight kubelet ({@code pkg/kubelet}: {@code pod_workers.go},
 * {@code kuberuntime}, {@code status}).
 *
 * <p>Wiring ({@code outpost agent}):
 * <pre>{@code
 * ContainerRuntime runtime = Runtimes.create("process", dataDir, clock, hostIp);   // --runtime
 * PodManager pods = new PodManager(PodManagerConfig.of(nodeName, dataDir, runtime, desiredState,
 *         statusSink, clock, hostIp));
 * NodeStatusReporter node = new NodeStatusReporter(NodeStatusReporterConfig.of(nodeName, dataDir,
 *         runtime.info(), statusSink, clock, linkQualitySupplier, agentVersion, hostIp));
 * pods.start(); node.start();
 * ... node.labels() / node.annotations() go on the Node object (registration, patches) ...
 * node.close(); pods.close(); runtime.close();   // containers keep running
 * }</pre>
 * {@link io.outpost.agent.node.HostInfo#internalIpTowards} gives {@code hostIp}: the address the server is reached from.
 *
 * <p>Layout under the data dir: {@code logs/pods/<ns>_<name>_<uid>/<container>/<restart>.log}
 * (CRI log format, kubelet's {@code /var/log/pods}), {@code pods/<uid>/volumes/<plugin>/<name>}
 * (kubelet's {@code /var/lib/kubelet/pods}), {@code runtime/process/} (the process runtime's
 * records, one directory per container).
 */
package io.outpost.agent.pods;
