package io.outpost.agent.volume;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a volume's files so a reader never sees half of an update, as kubelet's {@code
 * pkg/volume/util/atomic_writer.go}: the payload goes into a fresh hidden directory {@code
 * ..<timestamp>}, the {@code ..data} symlink is swapped to it with one rename, and each top-level
 * name is a symlink through {@code ..data}. An unchanged payload writes nothing.
 *
 * <p>Thread model: one writer per target directory (the pod's worker).
 */
public final class AtomicWriter {

    /** One file: its bytes and its mode (e.g. 0644). */
    public record FileProjection(byte[] data, int mode) {
    }

    private static final String DATA = "..data";

    private AtomicWriter() {
    }

    /** Makes {@code dir} hold exactly {@code payload} (relative paths). Answers true if it changed. */
    public static boolean write(Path dir, Map<String, FileProjection> payload) throws IOException {
        Files.createDirectories(dir);
        Path data = dir.resolve(DATA);
        if (Files.isSymbolicLink(data) && same(data, payload)) {
            return false;
        }
        Path fresh = Files.createTempDirectory(dir, "..");
        for (Map.Entry<String, FileProjection> e : payload.entrySet()) {
            Path file = fresh.resolve(e.getKey()).normalize();
            if (!file.startsWith(fresh)) {
                throw new IOException("volume file path escapes the volume: " + e.getKey());
            }
            Files.createDirectories(file.getParent());
            Files.write(file, e.getValue().data());
            Files.setPosixFilePermissions(file, permissions(e.getValue().mode()));
        }
        Files.setPosixFilePermissions(fresh, permissions(0755));
        Path old = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
        Path tmpLink = dir.resolve("..data_tmp");
        Files.deleteIfExists(tmpLink);
        Files.createSymbolicLink(tmpLink, fresh.getFileName());
        Files.move(tmpLink, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Set<String> top = new HashSet<>();
        for (String path : payload.keySet()) {
            top.add(Path.of(path).normalize().getName(0).toString());
        }
        for (String name : top) {
            Path link = dir.resolve(name);
            try {
                Files.createSymbolicLink(link, Path.of(DATA, name));
            } catch (FileAlreadyExistsException exists) {
                // already linked through ..data
            }
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if (!name.startsWith("..") && !top.contains(name) && Files.isSymbolicLink(p)) {
                    Files.delete(p);
                }
            }
        }
        if (old != null && !old.equals(fresh)) {
            deleteTree(old);
        }
        return true;
    }

    private static boolean same(Path data, Map<String, FileProjection> payload) throws IOException {
        Path current = data.toRealPath();
        Set<String> seen = new HashSet<>();
        try (Stream<Path> files = Files.walk(current)) {
            for (Path f : files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                seen.add(current.relativize(f).toString());
            }
        }
        if (!seen.equals(normalizedKeys(payload))) {
            return false;
        }
        for (Map.Entry<String, FileProjection> e : payload.entrySet()) {
            Path f = current.resolve(e.getKey()).normalize();
            if (!Arrays.equals(Files.readAllBytes(f), e.getValue().data())
                    || !Files.getPosixFilePermissions(f).equals(permissions(e.getValue().mode()))) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> normalizedKeys(Map<String, FileProjection> payload) {
        Set<String> keys = new HashSet<>();
        for (String k : payload.keySet()) {
            keys.add(Path.of(k).normalize().toString());
        }
        return keys;
    }

    /** POSIX permissions of an octal mode such as 0644 (the low nine bits). */
    public static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                out.add(order[bit]);
            }
        }
        return out;
    }

    /** Deletes a directory tree without following symlinks out of it. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isSymbolicLink(root) || !Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(root);
            return;
        }
        try (Stream<Path> children = Files.list(root)) {
            for (Path child : children.toList()) {
                deleteTree(child);
            }
        }
        Files.delete(root);
    }
}
