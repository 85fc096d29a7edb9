package io.outpost.agent.pods;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.outpost.agent.volume.AtomicWriter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes container logs as kubelet's container GC does: a removed container's log file with its
 * rotated copies ({@code <n>.log.<timestamp>}), and a removed pod's whole log directory.
 */
final class PodLogs {

    private static final Logger LOG = LoggerFactory.getLogger(PodLogs.class);

    private PodLogs() {
    }

    static void removeContainerLog(Path logPath) {
        Path dir = logPath.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        String name = logPath.getFileName().toString();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().equals(name) || p.getFileName().toString().startsWith(name + ".")).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            LOG.warn("log {} not removed: {}", logPath, e.toString());
        }
    }

    static void removePodLogs(Path podLogDir) {
        try {
            AtomicWriter.deleteTree(podLogDir);
        } catch (IOException e) {
            LOG.warn("logs {} not removed: {}", podLogDir, e.toString());
        }
    }
}
