package io.outpost.agent.pods;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.outpost.agent.env.ConfigError;
import io.outpost.agent.env.DownwardApi;
import io.outpost.agent.env.EnvResolver;
import io.outpost.agent.env.NodeAllocatable;
import io.outpost.agent.env.Expansion;
import io.outpost.agent.runtime.ContainerConfig;
import io.outpost.agent.runtime.Mount;
import io.outpost.agent.runtime.Resources;
import io.outpost.agent.runtime.RuntimeFailure;
import io.outpost.agent.runtime.SandboxStatus;
import io.outpost.agent.runtime.containerd.ImagePull;
import io.outpost.agent.runtime.containerd.Images;
import io.outpost.agent.runtime.containerd.PullEvents;
import io.outpost.agent.volume.VolumeError;

/**
 * Kubelet's {@code startContainer} ({@code kuberuntime_container.go}): resolve the environment,
 * expand {@code $(VAR)} in command and args, compute mounts and limits, create and start the
 * container, then run its postStart hook (a failing hook kills the container). A failure leaves
 * the container waiting with kubelet's reason and records a Warning event once per message.
 *
 * <p>Thread model: called by the pod's worker thread only.
 */
final class ContainerStarter {

    private final PodContext ctx;
    private final Lifecycle lifecycle;
    private final EnvResolver env;
    private final NodeAllocatable allocatable;

    ContainerStarter(PodContext ctx, Lifecycle lifecycle) {
        this.ctx = ctx;
        this.lifecycle = lifecycle;
        String ip = ctx.config().hostIp();
        this.allocatable = ctx.allocatable();
        this.env = new EnvResolver(ctx.config().desiredState(), new DownwardApi(ip, ip, allocatable));
    }

    void start(Pod pod, SandboxStatus sandbox, Container c, int attempt, Map<String, Path> volumes, Map<String, Waiting> waiting) {
        ContainerConfig config;
        try {
            String podIp = PodContext.podIp(sandbox, ctx.config().hostIp());
            // status.podIP in the downward API is the sandbox's address once CNI gave it one
            EnvResolver resolver = podIp.equals(ctx.config().hostIp()) ? env
                    : new EnvResolver(ctx.config().desiredState(), new DownwardApi(ctx.config().hostIp(), podIp, allocatable));
            EnvResolver.Resolved resolved = resolver.resolve(pod, c);
            if (!resolved.invalidKeys().isEmpty()) {
                ctx.events().record(pod, c.getName(), Events.WARNING, "InvalidEnvironmentVariableNames", "Start",
                        "Keys [" + String.join(", ", resolved.invalidKeys()) + "] from the EnvFrom configMap/secret were skipped "
                                + "since they are invalid environment variable names.");
            }
            Map<String, String> vars = resolved.env();
            List<String> command = expand(c.getCommand(), vars);
            List<String> args = expand(c.getArgs(), vars);
            List<Mount> mounts = ctx.volumes().mounts(c, volumes);
            Path logPath = ctx.logDirectory(pod).resolve(c.getName()).resolve(attempt + ".log");
            config = new ContainerConfig(c.getName(), attempt, c.getImage() == null ? "" : c.getImage(), command, args,
                    c.getWorkingDir() == null ? "" : c.getWorkingDir(), vars, mounts, resources(c), logPath,
                    Map.of(Labels.POD_UID, pod.getMetadata().getUid(), Labels.POD_NAME, pod.getMetadata().getName(),
                            Labels.POD_NAMESPACE, pod.getMetadata().getNamespace(), Labels.CONTAINER_NAME, c.getName(),
                            Labels.CONTAINER_HASH, hash(c)));
        } catch (ConfigError e) {
            fail(pod, c, waiting, new Waiting(ConfigError.REASON, e.getMessage()));
            return;
        } catch (VolumeError e) {
            fail(pod, c, waiting, new Waiting(RuntimeFailure.CREATE_CONTAINER_ERROR, e.getMessage()));
            return;
        }
        String id;
        // kubelet's image back-off key: the pod's uid and the image (image_manager.go)
        String pullKey = pod.getMetadata().getUid() + "_" + config.image();
        if (ctx.imagePullBackOff().inBackOffSinceUpdate(pullKey)) {
            String message = "Back-off pulling image \"" + config.image() + "\"";
            failImage(pod, c, waiting, new Waiting(Waiting.IMAGE_PULL_BACK_OFF, message), Events.NORMAL, "BackOff", message);
            return;
        }
        try {
            id = create(pod, sandbox, c, config);
        } catch (RuntimeFailure e) {
            switch (e.reason()) {
                case Images.ERR_IMAGE_PULL -> {
                    ctx.imagePullBackOff().next(pullKey, ctx.config().clock().instant());
                    String message = e.getMessage();
                    failImage(pod, c, waiting, new Waiting(Images.ERR_IMAGE_PULL, message), Events.WARNING, "Failed",
                            message.isEmpty() ? message : Character.toUpperCase(message.charAt(0)) + message.substring(1));
                }
                case Images.ERR_IMAGE_NEVER_PULL -> failImage(pod, c, waiting, new Waiting(Images.ERR_IMAGE_NEVER_PULL, e.getMessage()),
                        Events.WARNING, Images.ERR_IMAGE_NEVER_PULL, e.getMessage());
                default -> fail(pod, c, waiting, new Waiting(e.reason(), e.getMessage()));
            }
            return;
        }
        // kubelet 1.32+: "Created container: NAME" (kuberuntime_container.go startContainer)
        ctx.events().record(pod, c.getName(), Events.NORMAL, "Created", "Create", "Created container: " + c.getName());
        try {
            ctx.runtime().startContainer(id);
        } catch (RuntimeFailure e) {
            fail(pod, c, waiting, new Waiting(e.reason(), e.getMessage()));
            return;
        }
        waiting.remove(c.getName());
        ctx.events().record(pod, c.getName(), Events.NORMAL, "Started", "Start", "Started container " + c.getName());
        if (c.getLifecycle() != null && c.getLifecycle().getPostStart() != null) {
            String failure = lifecycle.run(c.getLifecycle().getPostStart(), c, id, PodContext.podIp(sandbox, ctx.config().hostIp()),
                    Lifecycle.gracePeriod(pod));
            if (failure != null) {
                ctx.events().record(pod, c.getName(), Events.WARNING, "FailedPostStartHook", "Start", "PostStartHook failed: " + failure);
                lifecycle.kill(c, id, PodContext.podIp(sandbox, ctx.config().hostIp()), Lifecycle.gracePeriod(pod));
            }
        }
    }

    /**
     * Kubelet's container hash: of the spec the agent ran, so a change (the image is the field an
     * update may change) is seen. Computed from fabric8's value-based {@code hashCode}, stable
     * across JVMs for the same spec.
     */
    static String hash(Container c) {
        return Integer.toHexString(c.hashCode());
    }

    /**
     * CreateContainer through the runtime; with containerd, kubelet's CRI-only settings too: the
     * merged security context and the pull policy with the {@code imagePullSecrets} credentials.
     * A pull runs on this pod's worker thread only, so it never holds up another pod.
     */
    private String create(Pod pod, SandboxStatus sandbox, Container c, ContainerConfig config) throws RuntimeFailure {
        var containerd = ctx.containerd();
        if (containerd.isEmpty()) {
            return ctx.runtime().createContainer(sandbox.id(), config);
        }
        ImagePull pull;
        try {
            pull = CriPodOptions.imagePull(pod, c, ctx.config().desiredState());
        } catch (IllegalArgumentException e) {
            throw new RuntimeFailure(ConfigError.REASON, e.getMessage());
        }
        return containerd.get().createContainer(sandbox.id(), config, CriPodOptions.security(pod, c), pull, pullEvents(pod, c));
    }

    /** kubelet's image manager events, with its messages ({@code pkg/kubelet/images/image_manager.go}). */
    private PullEvents pullEvents(Pod pod, Container c) {
        return new PullEvents() {
            @Override
            public void alreadyPresent(String image) {
                ctx.events().record(pod, c.getName(), Events.NORMAL, "Pulled", "Pull", "Container image \"" + image + "\" already present on machine");
            }

            @Override
            public void pulling(String image) {
                ctx.events().record(pod, c.getName(), Events.NORMAL, "Pulling", "Pull", "Pulling image \"" + image + "\"");
            }

            @Override
            public void pulled(String image, java.time.Duration took, long sizeBytes) {
                // no queue of serialized pulls here, so the time "including waiting" is the pull's own
                String d = Events.goDuration(took);
                ctx.events().record(pod, c.getName(), Events.NORMAL, "Pulled", "Pull", "Successfully pulled image \"" + image + "\" in " + d
                        + " (" + d + " including waiting). Image size: " + sizeBytes + " bytes.");
            }
        };
    }

    /**
     * An image that could not be made present: the image manager's event ({@code Failed} "Failed
     * to pull image", {@code BackOff} "Back-off pulling image", {@code ErrImageNeverPull}), then
     * kuberuntime's {@code Failed} "Error: REASON", once per change of the waiting state.
     */
    private void failImage(Pod pod, Container c, Map<String, Waiting> waiting, Waiting w, String type, String reason, String note) {
        Waiting before = waiting.put(c.getName(), w);
        if (!w.equals(before)) {
            ctx.events().record(pod, c.getName(), type, reason, "Pull", note);
            ctx.events().record(pod, c.getName(), Events.WARNING, "Failed", "Start", "Error: " + w.reason());
        }
    }

    private void fail(Pod pod, Container c, Map<String, Waiting> waiting, Waiting w) {
        Waiting before = waiting.put(c.getName(), w);
        if (!w.equals(before)) {
            ctx.events().record(pod, c.getName(), Events.WARNING, "Failed", "Start", "Error: " + w.message());
        }
    }

    private static List<String> expand(List<String> in, Map<String, String> vars) {
        List<String> out = new ArrayList<>();
        if (in != null) {
            for (String s : in) {
                out.add(Expansion.expand(s, vars::get));
            }
        }
        return out;
    }

    /** Limits as kubelet passes them to CRI: CPU in millicores, memory in bytes. */
    static Resources resources(Container c) {
        if (c.getResources() == null) {
            return Resources.NONE;
        }
        Map<String, Quantity> lim = c.getResources().getLimits() == null ? Map.of() : c.getResources().getLimits();
        Map<String, Quantity> req = c.getResources().getRequests() == null ? Map.of() : c.getResources().getRequests();
        return new Resources(millis(lim.get("cpu")), millis(req.get("cpu")), bytes(lim.get("memory")));
    }

    private static long millis(Quantity q) {
        return q == null ? 0 : Quantity.getAmountInBytes(q).multiply(BigDecimal.valueOf(1000)).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
    }

    private static long bytes(Quantity q) {
        return q == null ? 0 : Quantity.getAmountInBytes(q).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
    }

}
