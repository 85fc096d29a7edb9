package io.outpost.agent.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.outpost.agent.runtime.ContainerConfig;
import io.outpost.agent.runtime.RuntimeFailure;

/**
 * A process container's place on the host, under its directory: the pipes its shim writes, and
 * {@code root/}, where every {@code mountPath} is a symlink to the volume's directory on the host
 * (a process cannot cheaply get its own mount namespace). The root is also what the process sees
 * as {@code $OUTPOST_ROOT} and, by default, its working directory.
 *
 * <p>Thread model: stateless; each container's directory is written by the one call that
 * creates it.
 */
final class ContainerRoot {

    private ContainerRoot() {
    }

    /** Makes {@code dir} for a container of {@code c}: its pipes, its root and a link for each mount. */
    static void create(Path dir, ContainerConfig c) throws IOException, RuntimeFailure {
        Files.createDirectories(dir);
        ProcessLauncher.mkfifos(dir);
        Path root = root(dir);
        Files.createDirectories(root);
        for (var m : c.mounts()) {
            Path link = root.resolve(m.containerPath().replaceFirst("^/+", "")).normalize();
            if (!link.startsWith(root) || link.equals(root)) {
                throw new RuntimeFailure(RuntimeFailure.CREATE_CONTAINER_ERROR, "mountPath " + m.containerPath() + " is not usable");
            }
            Files.createDirectories(link.getParent());
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, m.hostPath().toAbsolutePath());
        }
    }

    static Path root(Path dir) {
        return dir.resolve("root");
    }

    /** The container's environment as the process sees it. */
    static Map<String, String> environment(ContainerConfig c, Path dir) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", ProcessLauncher.DEFAULT_PATH);
        env.put("HOME", "/root");
        env.putAll(c.env());
        env.put("OUTPOST_ROOT", root(dir).toString());
        return env;
    }

    /**
     * The process's working directory: the root by default; an absolute {@code workingDir} that
     * exists on the host as is; otherwise that path under the root, made if missing.
     */
    static Path workingDir(ContainerConfig c, Path dir) throws IOException {
        Path root = root(dir);
        if (c.workingDir().isEmpty()) {
            return root;
        }
        Path asIs = Path.of(c.workingDir());
        if (asIs.isAbsolute() && Files.isDirectory(asIs)) {
            return asIs;
        }
        Path under = root.resolve(c.workingDir().replaceFirst("^/+", "")).normalize();
        Files.createDirectories(under);
        return under;
    }
}
