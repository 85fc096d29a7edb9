package io.outpost.agent.runtime.containerd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.grpc.StatusRuntimeException;
import io.outpost.agent.runtime.ContainerStatus;
import io.outpost.cri.CriChannel;
import io.outpost.cri.v1.ReopenContainerLogRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Size-based rotation of containerd's container logs, as kubelet's container log manager ({@code
 * pkg/kubelet/logs/container_log_manager.go}) does it, since containerd itself never rotates:
 * a running container's live log over {@code maxBytes} is renamed {@code <file>.<timestamp>}
 * (the process runtime's naming, so readers see one layout) and containerd is asked to reopen
 * it ({@code ReopenContainerLog}); if it cannot, the rename is undone. Rotated files beyond
 * {@code maxFiles - 1} (the live file counts as one) are deleted oldest first.
 *
 * <p>Thread model: {@link #rotateAll()} from one periodic task (kubelet: every 10 s).
 */
public final class ContainerLogRotator {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerLogRotator.class);
    private static final DateTimeFormatter ROTATED = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss.SSS").withZone(ZoneOffset.UTC);

    private final ContainerdRuntime runtime;
    private final CriChannel channel;
    private final Clock clock;
    private final long maxBytes;
    private final int maxFiles;

    ContainerLogRotator(ContainerdRuntime runtime, CriChannel channel, Clock clock, long maxBytes, int maxFiles) {
        if (maxFiles < 2) {
            throw new IllegalArgumentException("containerLogMaxFiles must be at least 2, got " + maxFiles);
        }
        this.runtime = runtime;
        this.channel = channel;
        this.clock = clock;
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
    }

    /** Rotates every running container's log that is over the size limit; answers the rotated ones. */
    public List<Path> rotateAll() {
        List<Path> rotated = new ArrayList<>();
        for (ContainerStatus c : runtime.listContainers()) {
            if (!c.running()) {
                continue;
            }
            Path log = c.config().logPath();
            try {
                if (Files.exists(log) && Files.size(log) >= maxBytes) {
                    removeExcess(log);
                    if (rotate(c.id(), log)) {
                        rotated.add(log);
                    }
                }
            } catch (IOException e) {
                LOG.warn("log {} of container {} not rotated: {}", log, c.id(), e.toString());
            }
        }
        return rotated;
    }

    private boolean rotate(String containerId, Path log) throws IOException {
        String stamp = log.getFileName() + "." + ROTATED.format(clock.instant());
        Path target = log.resolveSibling(stamp);
        for (int n = 1; Files.exists(target); n++) {
            target = log.resolveSibling(stamp + "-" + n);
        }
        Files.move(log, target);
        try {
            channel.runtime().withDeadlineAfter(30, TimeUnit.SECONDS)
                    .reopenContainerLog(ReopenContainerLogRequest.newBuilder().setContainerId(containerId).build());
            return true;
        } catch (StatusRuntimeException e) {
            // kubelet renames the file back when the runtime cannot reopen (the container exited).
            Files.move(target, log);
            LOG.debug("container {} did not reopen its log: {}", containerId, e.getStatus());
            return false;
        }
    }

    /** Keeps {@code maxFiles - 2} rotated files, leaving room for the one about to be made. */
    private void removeExcess(Path log) throws IOException {
        String prefix = log.getFileName() + ".";
        List<Path> old;
        try (Stream<Path> siblings = Files.list(log.getParent())) {
            old = siblings.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString())).toList();
        }
        for (int i = 0; i < old.size() - (maxFiles - 2); i++) {
            Files.deleteIfExists(old.get(i));
        }
    }
}
