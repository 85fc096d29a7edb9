package io.outpost.agent.runtime.containerd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code outpost images import FILE.tar}: loads an OCI or docker archive into a containerd's
 * {@code k8s.io} namespace (the one the CRI plugin serves), through containerd's own client,
 * {@code ctr -a SOCKET -n k8s.io images import FILE} (shipped in Debian's containerd package).
 * The CRI has no import call; containerd's content and image APIs would do the same work as ctr
 * at much greater length.
 *
 * <p>Thread model: blocks the caller until ctr exits.
 */
public final class ImageImport {

    private ImageImport() {
    }

    /**
     * Imports {@code archive} into the containerd at {@code socket}; answers ctr's output (the
     * names imported). An {@link IOException} names the file, the socket and ctr's error.
     */
    public static String importArchive(Path ctrBinary, Path socket, Path archive) throws IOException {
        if (!Files.isRegularFile(archive)) {
            throw new IOException(archive + " is not a file; give an OCI or docker image archive (.tar)");
        }
        if (!Files.exists(socket)) {
            throw new IOException("no containerd socket at " + socket + "; start the agent (or pass its --data-dir)");
        }
        Process p = new ProcessBuilder(List.of(ctrBinary.toString(), "-a", socket.toString(), "-n", "k8s.io", "images", "import",
                archive.toString())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("ctr images import " + archive + " did not finish in 10 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted importing " + archive, e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("ctr images import " + archive + " into " + socket + " failed (" + p.exitValue() + "): " + out.strip());
        }
        return out;
    }

    /** The import into the managed containerd of the agent whose data dir is {@code dataDir}. */
    public static String importArchive(Path dataDir, Path archive) throws IOException {
        return importArchive(Path.of("/usr/bin/ctr"), ContainerdConfig.defaults(dataDir, "10.42.0.0/24").socket(), archive);
    }
}
