package io.outpost.agent.runtime.process;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Writes a container's output in the CRI log format ({@code <RFC3339Nano> stdout|stderr F|P <line>},
 * {@code k8s.io/cri-api/pkg/apis/runtime/v1} "LogPath" and kubelet's {@code pkg/kubelet/kuberuntime/logs}
 * parser): a full line is tagged F, a piece of a line longer than {@link #MAX_LINE} (or the last
 * piece before the stream ended) P. Rotated by size as kubelet's container log manager does: the
 * live file is renamed {@code <file>.<timestamp>} and only {@code maxFiles} files are kept.
 *
 * <p>Thread model: one lock; the stdout and stderr pumps of one container share the writer.
 */
final class CriLogWriter implements AutoCloseable {

    /** CRI runtimes split lines at 16 KiB. */
    static final int MAX_LINE = 16 * 1024;
    private static final DateTimeFormatter ROTATED = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss.SSS").withZone(ZoneOffset.UTC);

    private final Path path;
    private final long maxBytes;
    private final int maxFiles;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private OutputStream out;
    private long size;

    CriLogWriter(Path path, long maxBytes, int maxFiles, Clock clock) throws IOException {
        this.path = path;
        this.maxBytes = maxBytes;
        this.maxFiles = Math.max(1, maxFiles);
        this.clock = clock;
        Files.createDirectories(path.getParent());
        open();
    }

    private void open() throws IOException {
        out = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        size = Files.size(path);
    }

    /** Writes one line (without its newline); {@code partial} tags it P. */
    void write(String stream, byte[] line, int offset, int length, boolean partial) throws IOException {
        byte[] head = (clock.instant().toString() + " " + stream + " " + (partial ? "P " : "F ")).getBytes(StandardCharsets.US_ASCII);
        lock.lock();
        try {
            if (size > 0 && size + head.length + length + 1 > maxBytes) {
                rotate();
            }
            out.write(head);
            out.write(line, offset, length);
            out.write('\n');
            out.flush();
            size += head.length + length + 1;
        } finally {
            lock.unlock();
        }
    }

    private void rotate() throws IOException {
        out.close();
        String stamp = path.getFileName() + "." + ROTATED.format(clock.instant());
        Path rotated = path.resolveSibling(stamp);
        for (int n = 1; Files.exists(rotated); n++) {
            rotated = path.resolveSibling(stamp + "-" + n); // two rotations within a millisecond
        }
        Files.move(path, rotated);
        String prefix = path.getFileName() + ".";
        try (Stream<Path> siblings = Files.list(path.getParent())) {
            List<Path> old = siblings.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .sorted(Comparator.comparing(CriLogWriter::modified).thenComparing(p -> p.getFileName().toString())).toList();
            for (int i = 0; i < old.size() - (maxFiles - 1); i++) {
                Files.deleteIfExists(old.get(i));
            }
        }
        open();
    }

    private static java.nio.file.attribute.FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            out.close();
        } catch (IOException e) {
            // nothing left to do with a log that cannot be closed
        } finally {
            lock.unlock();
        }
    }
}
