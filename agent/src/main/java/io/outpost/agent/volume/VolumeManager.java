package io.outpost.agent.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HostPathVolumeSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.outpost.agent.env.DownwardApi;
import io.outpost.agent.env.NodeAllocatable;
import io.outpost.agent.runtime.Mount;
import io.outpost.agent.state.DesiredState;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up a pod's volumes as directories on the host and turns a container's {@code volumeMounts}
 * into runtime {@link Mount}s. Supported: {@code emptyDir} (medium {@code Memory} in {@code /dev/shm},
 * a tmpfs, when it is writable), {@code hostPath} (with its type checks), {@code configMap},
 * {@code secret}, {@code downwardAPI} and {@code projected} (including the service-account token).
 * Any other type fails the pod's start with a message naming it.
 *
 * <p>Thread model: calls for one pod come from its worker; different pods touch disjoint directories.
 */
public final class VolumeManager {

    private static final Logger LOG = LoggerFactory.getLogger(VolumeManager.class);
    private static final Path SHM = Path.of("/dev/shm");

    private final Path podsDir;
    private final Projections projections;
    private final boolean materialise;

    /**
     * @param materialise false for the simulated runtime: sources are still resolved (a missing
     *                    ConfigMap still holds the pod in ContainerCreating) but nothing is written,
     *                    since nothing runs to read it and a simulated fleet must not cost disk I/O
     */
    public VolumeManager(Path podsDir, DesiredState desired, String hostIp, NodeAllocatable allocatable, boolean materialise) {
        this.podsDir = podsDir;
        this.projections = new Projections(desired, new DownwardApi(hostIp, hostIp, allocatable));
        this.materialise = materialise;
    }

    /** Materialises (or refreshes) every volume of {@code pod}; answers each volume's host path. */
    public Map<String, Path> setUp(Pod pod) throws VolumeError {
        Map<String, Path> out = new LinkedHashMap<>();
        String uid = pod.getMetadata().getUid();
        for (Volume v : pod.getSpec().getVolumes() == null ? List.<Volume>of() : pod.getSpec().getVolumes()) {
            try {
                out.put(v.getName(), setUp(pod, uid, v));
            } catch (IOException e) {
                throw new VolumeError("volume " + v.getName() + ": " + e.getMessage());
            } catch (VolumeError e) {
                throw new VolumeError("volume \"" + v.getName() + "\": " + e.getMessage());
            }
        }
        return out;
    }

    private Path setUp(Pod pod, String uid, Volume v) throws IOException, VolumeError {
        if (!materialise) {
            resolveOnly(pod, v);
            return plugin(uid, "simulated", v.getName());
        }
        if (v.getEmptyDir() != null) {
            if ("Memory".equals(v.getEmptyDir().getMedium()) && Files.isWritable(SHM)) {
                Path dir = SHM.resolve("outpost-" + uid).resolve(v.getName());
                Files.createDirectories(dir);
                return dir;
            }
            if ("Memory".equals(v.getEmptyDir().getMedium())) {
                LOG.info("emptyDir {} of pod {} asks for medium Memory but /dev/shm is not writable: it is on disk",
                        v.getName(), pod.getMetadata().getName());
            }
            return mkdirs(plugin(uid, "kubernetes.io~empty-dir", v.getName()));
        }
        if (v.getHostPath() != null) {
            return hostPath(v.getHostPath());
        }
        if (v.getConfigMap() != null) {
            var cm = v.getConfigMap();
            return project(plugin(uid, "kubernetes.io~configmap", v.getName()),
                    projections.configMap(pod, cm.getName(), cm.getItems(), cm.getOptional(), cm.getDefaultMode()));
        }
        if (v.getSecret() != null) {
            var s = v.getSecret();
            return project(plugin(uid, "kubernetes.io~secret", v.getName()),
                    projections.secret(pod, s.getSecretName(), s.getItems(), s.getOptional(), s.getDefaultMode()));
        }
        if (v.getDownwardAPI() != null) {
            return project(plugin(uid, "kubernetes.io~downward-api", v.getName()),
                    projections.downwardApi(pod, v.getDownwardAPI().getItems(), v.getDownwardAPI().getDefaultMode()));
        }
        if (v.getProjected() != null) {
            return project(plugin(uid, "kubernetes.io~projected", v.getName()),
                    projections.projected(pod, v.getProjected().getSources(), v.getProjected().getDefaultMode()));
        }
        throw new VolumeError("this volume type is not supported by the outpost agent "
                + "(supported: emptyDir, hostPath, configMap, secret, downwardAPI, projected)");
    }

    private void resolveOnly(Pod pod, Volume v) throws VolumeError {
        if (v.getConfigMap() != null) {
            projections.configMap(pod, v.getConfigMap().getName(), v.getConfigMap().getItems(), v.getConfigMap().getOptional(), null);
        } else if (v.getSecret() != null) {
            projections.secret(pod, v.getSecret().getSecretName(), v.getSecret().getItems(), v.getSecret().getOptional(), null);
        } else if (v.getProjected() != null) {
            projections.projected(pod, v.getProjected().getSources(), null);
        }
    }

    private Path plugin(String uid, String plugin, String name) {
        return podsDir.resolve(uid).resolve("volumes").resolve(plugin).resolve(name);
    }

    private static Path project(Path dir, Map<String, AtomicWriter.FileProjection> payload) throws IOException {
        AtomicWriter.write(dir, payload);
        return dir;
    }

    private static Path mkdirs(Path dir) throws IOException {
        Files.createDirectories(dir);
        return dir;
    }

    /** kubelet's hostPath type checks ({@code pkg/volume/hostpath}). */
    private static Path hostPath(HostPathVolumeSource source) throws IOException, VolumeError {
        Path path = Path.of(source.getPath());
        String type = source.getType() == null ? "" : source.getType();
        switch (type) {
            case "" -> { }
            case "DirectoryOrCreate" -> Files.createDirectories(path);
            case "FileOrCreate" -> {
                if (!Files.exists(path)) {
                    Files.createFile(path);
                }
            }
            case "Directory" -> require(Files.isDirectory(path), "hostPath type check failed: " + path + " is not a directory");
            case "File" -> require(Files.isRegularFile(path), "hostPath type check failed: " + path + " is not a file");
            case "Socket", "CharDevice", "BlockDevice" -> require(Files.exists(path) && !Files.isDirectory(path)
                    && !Files.isRegularFile(path), "hostPath type check failed: " + path + " is not a " + type);
            default -> throw new VolumeError("unknown hostPath type " + type);
        }
        return path;
    }

    private static void require(boolean ok, String message) throws VolumeError {
        if (!ok) {
            throw new VolumeError(message);
        }
    }

    /** A container's mounts: each {@code volumeMount}'s volume directory (and {@code subPath}). */
    public List<Mount> mounts(Container container, Map<String, Path> volumes) throws VolumeError {
        List<Mount> out = new ArrayList<>();
        for (VolumeMount vm : container.getVolumeMounts() == null ? List.<VolumeMount>of() : container.getVolumeMounts()) {
            Path host = volumes.get(vm.getName());
            if (host == null) {
                throw new VolumeError("volumeMount " + vm.getName() + " names no volume of the pod");
            }
            if (vm.getSubPath() != null && !vm.getSubPath().isEmpty()) {
                Path sub = host.resolve(vm.getSubPath()).normalize();
                if (!sub.startsWith(host)) {
                    throw new VolumeError("subPath " + vm.getSubPath() + " leaves the volume " + vm.getName());
                }
                if (materialise && !Files.exists(sub, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        Files.createDirectories(sub);
                    } catch (IOException e) {
                        throw new VolumeError("subPath " + vm.getSubPath() + ": " + e.getMessage());
                    }
                }
                host = sub;
            }
            out.add(new Mount(host, vm.getMountPath(), Boolean.TRUE.equals(vm.getReadOnly())));
        }
        return out;
    }

    /** Removes every volume of the pod (hostPath ones are left alone: they are not ours). */
    public void tearDown(String uid) {
        try {
            AtomicWriter.deleteTree(podsDir.resolve(uid));
            AtomicWriter.deleteTree(SHM.resolve("outpost-" + uid));
        } catch (IOException e) {
            LOG.warn("could not remove the volumes of pod {}: {}", uid, e.toString());
        }
    }
}
